package io.odoovps.operator.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the platform engineer tunes, under the `odoovps.` prefix (application.properties,
 * environment variables such as `ODOOVPS_OVERCOMMIT_CPU_RATIO`, or the Helm chart's values).
 */
@ConfigMapping(prefix = "odoovps")
public interface OperatorConfig {

  /** How far a host's CPU and memory are shared between VPSs (contract article 2). */
  Overcommit overcommit();

  /** The provider image and storage of every VPS's dedicated disk. */
  VirtualMachine vm();

  /** Which Odoo versions the provider image knows how to install. */
  Odoo odoo();

  /**
   * The datacenters, by name (the value of `spec.location`), each with its pool of public IPv4
   * addresses: `odoovps.locations.paris-1.ipv4-pool=192.0.2.0/28,198.51.100.10-198.51.100.20`, and
   * the addresses kept out of it: `odoovps.locations.paris-1.ipv4-exclude=192.0.2.1`.
   */
  Map<String, Location> locations();

  /** What suspension does to a VPS. */
  Suspension suspension();

  /** The provider's own access to the guests, kept through isolation. */
  Provider provider();

  /** The Service that carries each VPS's fixed IPv4. */
  PublicService service();

  /** Contract deadlines that the platform may tune. */
  Deadlines deadlines();

  /** The backup and restore Jobs. */
  Backup backup();

  /** Restores on request (contract article 3). */
  Restore restore();

  /** Where the restores carried out are recorded. */
  interface Restore {
    /**
     * The namespace of the restore ledger, the ConfigMap `odoovps-restore-ledger` that counts the
     * restores of every customer, cluster-wide. Unset: the operator's own namespace (the Helm chart
     * sets the release namespace; otherwise the client's namespace, which in a pod is its
     * ServiceAccount's). It must exist, and the operator must be able to read and write ConfigMaps
     * there.
     */
    Optional<String> ledgerNamespace();
  }

  /** Bandwidth, the monthly quota, port filtering, port 25 and DDoS mitigation. */
  Traffic traffic();

  /** Traffic rules (contract articles 3, 6, 7 and 9). */
  interface Traffic {
    /** The guaranteed bandwidth of every VPS, in Mbit/s, both ways (contract: 100 Mbps). */
    @WithDefault("100")
    int bandwidthMbps();

    /** The bandwidth past the monthly quota, in Mbit/s, until the billing cycle ends. */
    @WithDefault("1")
    int throttledMbps();

    /**
     * Outbound bytes per billing cycle before the throttle (contract: 10 TB, decimal). The operator
     * refuses to start on a value at or below zero.
     */
    @WithDefault("10000000000000")
    long quotaBytes();

    /**
     * Annotations that a CNI reads on the running virt-launcher pod and applies without a restart,
     * with `{mbps}` replaced by the bandwidth in Mbit/s; for Kube-OVN
     * `ovn.kubernetes.io/ingress_rate={mbps},ovn.kubernetes.io/egress_rate={mbps}`. The operator
     * patches them onto the VM's pods. Empty: only the standard `kubernetes.io/*-bandwidth`
     * annotations, which take effect when the VM next starts.
     */
    Map<String, String> liveAnnotations();

    /** Where outbound byte counters are read. */
    Prometheus prometheus();

    /** The per-VPS traffic filter (NetworkPolicy). */
    Filter filter();

    /** Port 25 on spam. */
    Smtp smtp();

    /** DDoS mitigation. */
    Mitigation mitigation();
  }

  /** The Prometheus that scrapes KubeVirt's `kubevirt_vmi_network_transmit_bytes_total`. */
  interface Prometheus {
    /**
     * Base URL of its HTTP API (`http://prometheus-operated.monitoring:9090`). Unset: no quota
     * accounting, and the VPS status says so.
     */
    Optional<String> url();

    /**
     * Bearer token for a Prometheus behind an authenticating proxy; pass it from a Secret as
     * `ODOOVPS_TRAFFIC_PROMETHEUS_BEARER_TOKEN`. Never logged.
     */
    Optional<String> bearerToken();

    /** How often the counters are read. */
    @WithDefault("5m")
    @WithConverter(DurationConverter.class)
    Duration interval();

    /** Timeout of one query. */
    @WithDefault("30s")
    @WithConverter(DurationConverter.class)
    Duration timeout();

    /**
     * Least time between two writes of the ledger to a VPS's status while nothing else changes; the
     * ledger in memory is exact, and a crossing of the quota is written at once.
     */
    @WithDefault("30m")
    @WithConverter(DurationConverter.class)
    Duration recordInterval();
  }

  /** The traffic filter. */
  interface Filter {
    /**
     * TCP ports denied both ways (except to and from the provider's networks): remote shells and
     * file sharing that must not face the Internet, IRC, BitTorrent, Tor and open proxies (contract
     * article 6).
     */
    @WithDefault(
        "23,135-139,445,1080,3128,6660-6669,6697,6881-6889,6969,7000,9001,9030,9050,9051,12000")
    List<String> deniedTcpPorts();

    /** The only UDP ports a VPS may send to (DNS, NTP): UDP is limited (contract article 3). */
    @WithDefault("53,123")
    List<String> allowedUdpEgressPorts();

    /** The only UDP ports a VPS may receive on; none by default. */
    Optional<List<String>> allowedUdpIngressPorts();

    /**
     * The cluster's own networks (pods, Services, nodes, the provider's private ranges): a VPS
     * opens no connection into them, so it reaches neither another VPS nor the operator's webhook
     * nor the API server by their cluster addresses. The cluster DNS (below) and the provider's
     * networks stay reachable. The default is every private, shared (CGNAT) and link-local range; a
     * cluster whose pods or nodes use public addresses must list them.
     */
    @WithDefault(
        "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16,fc00::/7,fe80::/10")
    List<String> clusterCidrs();

    /** The namespace of the cluster DNS pods, which a VPS may query on port 53. */
    @WithDefault("kube-system")
    String dnsNamespace();

    /** Labels of the cluster DNS pods, as {@code key=value}. */
    @WithDefault("k8s-app=kube-dns")
    List<String> dnsPodLabels();
  }

  /** Port 25. */
  interface Smtp {
    /** The port blocked on spam. */
    @WithDefault("25")
    int port();

    /** Alert names (alertname label) that report spam from a VPS. */
    @WithDefault("OdooVpsSpamSuspected")
    List<String> spamAlerts();

    /** Durations of the 1st, 2nd, 3rd... block; the last one repeats. */
    @WithDefault("24h,7d,30d")
    @WithConverter(DurationConverter.class)
    List<Duration> blockLadder();
  }

  /** DDoS mitigation. */
  interface Mitigation {
    /**
     * Alert names that report an attack on a VPS; the alert's `level` label (1 to 3) sets the
     * level, 1 if absent.
     */
    @WithDefault("OdooVpsDDoSAttack")
    List<String> attackAlerts();

    /**
     * Annotations put on the VPS's Service while mitigation is on (level 1 and up): the scrubbing
     * route, for example a load balancer address pool announced through the scrubbing centre.
     */
    Map<String, String> serviceAnnotations();

    /**
     * From level 3, the only sources of inbound traffic besides the provider's networks: the
     * scrubbing centre's return path. Level 3 is refused while this is empty.
     */
    Optional<List<String>> scrubbingCidrs();
  }

  /** A datacenter. */
  interface Location {
    /**
     * Public IPv4 addresses: CIDR blocks (their hosts: not the network and broadcast addresses of a
     * block up to /30), `first-last` ranges or single addresses.
     */
    List<String> ipv4Pool();

    /**
     * Addresses of the pool never handed out (the gateway, the provider's own), written as in
     * {@link #ipv4Pool()}. An address a VPS already holds stays with it (contract article 3).
     */
    Optional<List<String>> ipv4Exclude();
  }

  /** Suspension. */
  interface Suspension {
    /** `halt` stops the VM; `isolate` keeps it running but cuts it off from the Internet. */
    @WithDefault("halt")
    SuspensionMode mode();
  }

  /** How a suspension is enforced. */
  enum SuspensionMode {
    halt,
    isolate
  }

  /** The provider. */
  interface Provider {
    /**
     * SSH public keys of the provider's administrators, installed for root through KubeVirt's guest
     * agent. The customer never gets root.
     */
    Optional<List<String>> sshAuthorizedKeys();

    /**
     * Networks from which the provider administers the guests: every port, both ways, and kept open
     * by isolation. None by default: the operator's own guest-command pods (SSH) and the node the
     * VM runs on are let in without it. Never list the pod network here: it would let every pod of
     * the cluster, other VPSs included, past the filter.
     */
    Optional<List<String>> adminCidrs();
  }

  /** The per-VPS Service. */
  interface PublicService {
    /** Ports the Service exposes on the VPS's IPv4. */
    @WithDefault("22,80,443")
    List<Integer> ports();

    /**
     * Annotation that hands the address to the load balancer implementation; `{ipv4}` is replaced
     * by the address (MetalLB by default; Cilium: `lbipam.cilium.io/ips`).
     */
    @WithDefault("metallb.io/loadBalancerIPs")
    String addressAnnotation();

    /** The load balancer class, when the cluster has several implementations. */
    Optional<String> loadBalancerClass();

    /**
     * Annotations put on every VPS's Service, for what the load balancer implementation needs
     * besides the address; kube-vip: `kube-vip.io/egress=true`, so that the VPS's outbound traffic
     * leaves from its own IPv4. The address annotation and the mitigation's win over these.
     */
    Map<String, String> annotations();

    /**
     * `Local` keeps the clients' source addresses (the traffic filter's scrubbing level and the
     * customer's logs rely on them), but Kubernetes then takes a health-check NodePort per Service
     * from the NodePort range (30000-32767 by default, 2,768 ports): past about 2,700 VPSs per
     * cluster, widen kube-apiserver's `--service-node-port-range`, or use `Cluster`.
     */
    @WithDefault("Local")
    String externalTrafficPolicy();
  }

  /** Deadlines. */
  interface Deadlines {
    /** How long before the 48-hour plan-change deadline a warning Event fires. */
    @WithDefault("6h")
    @WithConverter(DurationConverter.class)
    Duration planChangeWarning();

    /** Least time between the maintenance email to the customer and the reboot. */
    @WithDefault("24h")
    @WithConverter(DurationConverter.class)
    Duration maintenanceNotice();

    /**
     * After a maintenance reboot, how long the VM may take to be ready again before its downtime
     * counts against the month's availability.
     */
    @WithDefault("15m")
    @WithConverter(DurationConverter.class)
    Duration maintenanceGrace();

    /** Longest wait between two reconciles of a VPS (time rules are also woken on schedule). */
    @WithDefault("10m")
    @WithConverter(DurationConverter.class)
    Duration resync();

    /**
     * After a fixed term ends (article 11), how long the VPS stays suspended with all its data
     * before the termination path deletes it, unless the term is extended. It counts from when the
     * operator first saw the term ended, so an end already past when written never deletes at once.
     */
    @WithDefault("30d")
    @WithConverter(DurationConverter.class)
    Duration fixedTermGrace();

    /**
     * Longest wait between two delivery attempts of a contract notice (the waits double from one
     * minute up to this); a notice is retried until it is delivered.
     */
    @WithDefault("1h")
    @WithConverter(DurationConverter.class)
    Duration noticeRetryMax();
  }

  /** Requests are the plan's size divided by these ratios; limits are the plan's size. */
  interface Overcommit {
    /** vCPU overcommit: 4 means a 2-vCPU plan requests 500m of host CPU. */
    @WithDefault("4")
    double cpuRatio();

    /** Memory overcommit: 1.5 means a 6Gi plan requests 4Gi of host memory. */
    @WithDefault("1.5")
    double memoryRatio();
  }

  /** The virtual machine template. */
  interface VirtualMachine {
    /** The provider's boot image, a CDI registry URL (`docker://…`) or an `http(s)://` URL. */
    @WithDefault("docker://quay.io/containerdisks/debian:12")
    String image();

    /** StorageClass of the dedicated disks; the cluster default when unset. */
    Optional<String> storageClass();

    /** Access modes of the dedicated disk; ReadWriteMany allows live migration. */
    @WithDefault("ReadWriteOnce")
    List<String> accessModes();

    /**
     * How the dedicated disk is made. `DataVolume`: CDI imports the image into it (the VM's
     * DataVolume template). `PersistentVolumeClaim`, for clusters without CDI: the operator creates
     * the claim and a Job of its own image fills it once from the image (an `http(s)://` URL of a
     * qcow2 or raw image), and the VM boots from the claim once it is filled.
     */
    @WithDefault("DataVolume")
    DiskProvisioning diskProvisioning();

    /**
     * The path that the VM's readiness probe requests over HTTPS on port 443, through the guest's
     * TLS proxy: the VM is Ready (and the VPS up, and its access codes sent) only while Odoo
     * answers there.
     */
    @WithDefault("/web/login")
    String readinessPath();

    /**
     * Whether cloud-init installs every pending package update on the first boot, before Odoo is
     * installed. Off by default: the provider image is current when built, the first boot is
     * shorter, and security updates come with maintenance requests (the image's `maintenance`).
     */
    @WithDefault("false")
    boolean upgradeOnFirstBoot();
  }

  /** How a VPS's dedicated disk is created. */
  enum DiskProvisioning {
    DataVolume,
    PersistentVolumeClaim
  }

  /** Odoo versions. */
  interface Odoo {
    /** Versions the provider image supports; any other `spec.odoo.version` is refused. */
    @WithDefault("16.0,17.0,18.0")
    List<String> supportedVersions();

    /**
     * The apt source of Odoo's packages that the guest installs from, as the part of a
     * `sources.list` line after `deb`; `{version}` stands for `spec.odoo.version`. Odoo's own
     * repository by default; a local mirror for providers (and tests) that have one.
     */
    @WithDefault(
        "[signed-by=/usr/share/keyrings/odoo.gpg] https://nightly.odoo.com/{version}/nightly/deb/ ./")
    String repository();

    /**
     * The armored signing key of the repository, fetched by the guest unless it is `trusted=yes`.
     */
    @WithDefault("https://nightly.odoo.com/odoo.key")
    String repositoryKeyUrl();

    /** The name of the Odoo database the guest creates. */
    @WithDefault("odoo")
    String database();
  }

  /** The backup and restore Jobs, which run this operator's own image in its backup mode. */
  interface Backup {
    /** The image of the backup and restore Jobs: this operator's image. */
    @WithDefault("ghcr.io/odoovps/odoovps-operator:latest")
    String image();

    @WithDefault("IfNotPresent")
    String imagePullPolicy();

    /** A run that takes longer is stopped and counts as a failed attempt. */
    @WithDefault("6h")
    @WithConverter(DurationConverter.class)
    Duration runDeadline();

    /** A VPS whose last successful backup is older than this makes BackupsCurrent false. */
    @WithDefault("26h")
    @WithConverter(DurationConverter.class)
    Duration staleAfter();

    /**
     * After a VPS's termination, how long its backups stay in the bucket before a purge Job deletes
     * them (article 12): the time to undo a mistaken termination from its backups. Only a
     * termination that a BackupPolicy recorded starts it; a VPS that is merely absent keeps its
     * backups.
     */
    @WithDefault("7d")
    @WithConverter(DurationConverter.class)
    Duration purgeGrace();

    /** Memory limit of a backup pod; the JVM's heap is a fraction of it. */
    @WithDefault("256Mi")
    String memoryLimit();

    /** How long the backup Job waits for the VM snapshot and its export to be ready. */
    @WithDefault("30m")
    @WithConverter(DurationConverter.class)
    Duration captureTimeout();

    /**
     * The ClusterRole of the backup pods (snapshot and export VMs, nothing else), which the Helm
     * chart ships: the operator binds it in each BackupPolicy's namespace to the policy's
     * ServiceAccount, and may bind no other (it holds `bind` on this one only).
     */
    @WithDefault("odoovps-operator-backup")
    String clusterRole();
  }
}
