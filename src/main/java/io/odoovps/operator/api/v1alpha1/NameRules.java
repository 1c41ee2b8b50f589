package io.odoovps.operator.api.v1alpha1;

/**
 * The names the API server accepts for our resources and for the spec fields that hold a name, so
 * that every object the operator derives from a name can be created: a name the operator could not
 * use is refused at admission instead of ending in a reconcile error that repeats forever.
 *
 * <p>An OdooVps name {@code <vps>} is used as is for its Service (a DNS-1035 label: it starts with
 * a letter), VirtualMachine and MitigationState, and as the value of the {@code odoovps.io/vps}
 * label (at most 63 characters). The operator derives, without shortening them: {@code <vps>-disk}
 * (DataVolume and PVC), the Secrets {@code <vps>-odoo-admin}, {@code <vps>-cloud-init} and {@code
 * <vps>-provider-ssh}, the NetworkPolicies {@code <vps>-isolation} and {@code <vps>-traffic}, the
 * PrometheusRule {@code <vps>-supervision}. KubeVirt mounts the provider SSH Secret into the
 * virt-launcher pod as a volume named {@code <vps>-provider-ssh-access-cred}, and a pod volume name
 * is a DNS-1123 label of at most 63 characters: that is the longest derived name, hence {@link
 * #VPS_NAME_MAX}. The other derived names are shortened with a hash when too long ({@code
 * naming.KubeNames}): CronJobs {@code backup-<policy>-<vps>} (52), Jobs, snapshots and exports,
 * tickets, the Cilium policy.
 *
 * <p>Rules on {@code metadata.name} run on creation only ({@code optionalOldSelf}: a name never
 * changes), so that an object created before a rule existed can still be updated, terminated and
 * have its status written.
 */
public final class NameRules {

  /** A DNS-1035 label: lower-case letters, digits and '-', starting with a letter. */
  public static final String DNS_1035_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  /** A DNS-1123 label: lower-case letters, digits and '-', starting with a letter or digit. */
  public static final String DNS_1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  /** A DNS-1123 subdomain: DNS-1123 labels joined by dots (names of Secrets, for example). */
  public static final String DNS_1123_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** The longest label value, and the longest DNS-1123 label. */
  public static final int LABEL_MAX = 63;

  /** The longest name of an object of the core API (a DNS-1123 subdomain). */
  public static final int SUBDOMAIN_MAX = 253;

  /** The longest OdooVps name: 63 minus {@code -provider-ssh-access-cred} (25 characters). */
  public static final int VPS_NAME_MAX = 38;

  /** What an OdooVps name may be, for messages. */
  public static final String VPS_NAME_TEXT =
      "a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and ending"
          + " with a letter or a digit) of at most "
          + VPS_NAME_MAX
          + " characters";

  /** CEL on a field that names an OdooVps; its length is bounded by maxLength. */
  public static final String VPS_REF_RULE = "self.matches('" + DNS_1035_LABEL + "')";

  /** What {@link #VPS_REF_RULE} asks, for messages: "spec.vps" + {@link #VPS_REF_MUST}. */
  public static final String VPS_REF_MUST = " must be the name of an OdooVps: " + VPS_NAME_TEXT;

  /** CEL on a field that names a BackupPolicy; its length is bounded by maxLength. */
  public static final String LABEL_REF_RULE = "self.matches('" + DNS_1123_LABEL + "')";

  /** CEL on a field that names a Secret; its length is bounded by maxLength. */
  public static final String SUBDOMAIN_REF_RULE = "self.matches('" + DNS_1123_SUBDOMAIN + "')";

  /** CEL at the root of a CRD: the name's length, checked on creation only. */
  public static final String VPS_NAME_SIZE_RULE =
      "oldSelf.hasValue() || self.metadata.name.size() <= " + VPS_NAME_MAX;

  /** CEL at the root of a CRD: the name's characters, checked on creation only. */
  public static final String VPS_NAME_PATTERN_RULE =
      "oldSelf.hasValue() || self.metadata.name.matches('" + DNS_1035_LABEL + "')";

  /** CEL at the root of a CRD: a name that labels what the operator creates (≤ 63). */
  public static final String LABEL_NAME_SIZE_RULE =
      "oldSelf.hasValue() || self.metadata.name.size() <= " + LABEL_MAX;

  /** CEL at the root of a CRD: a name without dots (a DNS-1123 label). */
  public static final String LABEL_NAME_PATTERN_RULE =
      "oldSelf.hasValue() || self.metadata.name.matches('" + DNS_1123_LABEL + "')";

  private NameRules() {}
}
