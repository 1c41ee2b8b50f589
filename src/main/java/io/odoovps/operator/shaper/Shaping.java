package io.odoovps.operator.shaper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the shaper decides for one pod, from its bandwidth annotations and the qdiscs on its host
 * device (pure). Traffic to the pod leaves the host through the pod's veth peer: its root TBF
 * shapes the pod's ingress. Traffic from the pod enters the host through that same device, whose
 * ingress qdisc redirects it to an IFB device (the bandwidth CNI plugin's): the IFB's root TBF
 * shapes the pod's egress. The shaper changes those two TBFs in place ({@code tc qdisc replace}),
 * so the running VM keeps its connections; it never creates or deletes devices, which the CNI
 * plugin owns and deletes with the pod.
 */
public final class Shaping {

  /**
   * Annotations the shaper writes on the pod: what the kernel applies, read back after a change.
   */
  public static final String APPLIED_INGRESS = "odoovps.io/applied-ingress-bandwidth";

  public static final String APPLIED_EGRESS = "odoovps.io/applied-egress-bandwidth";
  public static final String PROBLEM = "odoovps.io/shaping-problem";

  /** The standard annotations the shaper follows (the bandwidth CNI plugin's). */
  public static final String INGRESS = "kubernetes.io/ingress-bandwidth";

  public static final String EGRESS = "kubernetes.io/egress-bandwidth";

  private Shaping() {}

  /** The pod's devices on the host as read: its veth peer and, if redirected to one, the IFB. */
  public record Devices(
      String hostDevice,
      Optional<TokenBucket> hostRoot,
      Optional<String> ifb,
      Optional<TokenBucket> ifbRoot) {}

  /** A TBF to write. */
  public record Change(String device, TokenBucket bucket) {}

  /** The TBFs to write, and the problems that keep a wanted rate from being applied. */
  public record Plan(List<Change> changes, List<String> problems) {}

  /** The changes that bring the devices to the wanted rates (none when they already have them). */
  public static Plan plan(OptionalLong ingressBits, OptionalLong egressBits, Devices devices) {
    var changes = new ArrayList<Change>();
    var problems = new ArrayList<String>();
    if (ingressBits.isPresent()) {
      var wanted = TokenBucket.forRate(ingressBits.getAsLong());
      if (!devices.hostRoot().map(wanted::matches).orElse(false)) {
        changes.add(new Change(devices.hostDevice(), wanted));
      }
    }
    if (egressBits.isPresent()) {
      var wanted = TokenBucket.forRate(egressBits.getAsLong());
      if (devices.ifb().isEmpty()) {
        problems.add(
            "egress not shaped: "
                + devices.hostDevice()
                + " redirects nothing to an IFB device (chain the bandwidth CNI plugin, which"
                + " makes it when the pod starts with "
                + EGRESS
                + ")");
      } else if (!devices.ifbRoot().map(wanted::matches).orElse(false)) {
        changes.add(new Change(devices.ifb().get(), wanted));
      }
    }
    return new Plan(changes, problems);
  }

  /**
   * The shaper's annotations for what the devices carry (null values remove a key): the rates of
   * the TBFs found, and the problems, if any.
   */
  public static Map<String, String> applied(Devices devices, List<String> problems) {
    var annotations = new LinkedHashMap<String, String>();
    annotations.put(
        APPLIED_INGRESS, devices.hostRoot().map(b -> Rates.quantity(b.rateBits())).orElse(null));
    annotations.put(
        APPLIED_EGRESS, devices.ifbRoot().map(b -> Rates.quantity(b.rateBits())).orElse(null));
    annotations.put(PROBLEM, problems.isEmpty() ? null : String.join("; ", problems));
    return annotations;
  }

  /** A problem alone, for a pod whose devices could not be read. */
  public static Map<String, String> unreadable(String problem) {
    var annotations = new LinkedHashMap<String, String>();
    annotations.put(APPLIED_INGRESS, null);
    annotations.put(APPLIED_EGRESS, null);
    annotations.put(PROBLEM, problem);
    return annotations;
  }

  /** The keys of {@code wanted} whose values differ from the pod's (a null value: absent). */
  public static Map<String, String> differences(
      Map<String, String> wanted, Map<String, String> current) {
    var patch = new LinkedHashMap<String, String>();
    wanted.forEach(
        (k, v) -> {
          var now = current == null ? null : current.get(k);
          if (!java.util.Objects.equals(v, now)) {
            patch.put(k, v);
          }
        });
    return patch;
  }
}
