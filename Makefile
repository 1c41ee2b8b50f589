# Odoo VPS operator. `make run` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

K8S_VERSION ?= 1.34.4
ETCD_VERSION ?= 3.6.16
KUBE_API_TEST_DIR ?= $(HOME)/.kubeapitest
MVN ?= mvn -B -ntp
PROMETHEUS_VERSION ?= 3.16.0
ALERTMANAGER_VERSION ?= 0.35.0
ODOOVPS_TOOLS_DIR ?= $(HOME)/.cache/odoovps-tools
CILIUM_VERSION ?= 1.18.6
GLUA_VERSION ?= 1.1.2
HELM_VERSION ?= 3.22.0
# The third-party CRDs the API server validates against (hack/fetch-upstream-crds.sh): KubeVirt's
# from virt-operator's code, CDI's DataVolume by controller-gen from CDI's API module at the release
# that KubeVirt requires, prometheus-operator's files.
KUBEVIRT_VERSION ?= 1.7.0
CDI_API_VERSION ?= 1.63.1
CONTROLLER_TOOLS_VERSION ?= 0.17.2
PROMETHEUS_OPERATOR_VERSION ?= 0.93.0
export K8S_VERSION ETCD_VERSION KUBE_API_TEST_DIR PROMETHEUS_VERSION ALERTMANAGER_VERSION ODOOVPS_TOOLS_DIR \
	CILIUM_VERSION GLUA_VERSION HELM_VERSION KUBEVIRT_VERSION CDI_API_VERSION CONTROLLER_TOOLS_VERSION \
	PROMETHEUS_OPERATOR_VERSION

CONTROL_PLANE := $(KUBE_API_TEST_DIR)/k8s/$(K8S_VERSION)-linux-amd64
PROMTOOL := $(ODOOVPS_TOOLS_DIR)/promtool-$(PROMETHEUS_VERSION)/promtool
PROMETHEUS := $(ODOOVPS_TOOLS_DIR)/prometheus-$(PROMETHEUS_VERSION)/prometheus
ALERTMANAGER := $(ODOOVPS_TOOLS_DIR)/alertmanager-$(ALERTMANAGER_VERSION)/alertmanager
AMTOOL := $(ODOOVPS_TOOLS_DIR)/alertmanager-$(ALERTMANAGER_VERSION)/amtool
CILIUM_CRDS := $(ODOOVPS_TOOLS_DIR)/cilium-$(CILIUM_VERSION)
GLUA := $(ODOOVPS_TOOLS_DIR)/glua-$(GLUA_VERSION)/glua
HELM := $(ODOOVPS_TOOLS_DIR)/helm-$(HELM_VERSION)/helm
KSTATUS := $(CURDIR)/target/kstatus
ODOOVPS_UPSTREAM_CRDS := $(ODOOVPS_TOOLS_DIR)/kubevirt-crds-$(KUBEVIRT_VERSION):$(ODOOVPS_TOOLS_DIR)/cdi-crds-$(CDI_API_VERSION):$(ODOOVPS_TOOLS_DIR)/prometheus-operator-crds-$(PROMETHEUS_OPERATOR_VERSION)
export ODOOVPS_UPSTREAM_CRDS
CHART := helm/odoovps-operator
MVN_PROPS := -Dkube.api.test.dir=$(KUBE_API_TEST_DIR) -Dk8s.version=$(K8S_VERSION) \
	-Dpromtool.path=$(PROMTOOL) -Dprometheus.path=$(PROMETHEUS) -Dalertmanager.path=$(ALERTMANAGER) \
	-Damtool.path=$(AMTOOL) -Dcilium.crds=$(CILIUM_CRDS) -Dglua.path=$(GLUA) -Dhelm.path=$(HELM) \
	-Dkstatus.path=$(KSTATUS) \
	-Dupstream.crds=$(ODOOVPS_UPSTREAM_CRDS)

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

.PHONY: control-plane
control-plane: ## Build etcd, kube-apiserver, kube-controller-manager, kubectl from Go modules (cached)
	@bash hack/build-control-plane.sh

.PHONY: monitoring-tools
monitoring-tools: ## Build promtool, alertmanager and amtool from Go modules (cached)
	@bash hack/build-monitoring-tools.sh

.PHONY: kstatus
kstatus: ## Build kstatus (cli-utils' status library, as Flux's health checks use it) from its Go module, for the condition tests (cached)
	@bash hack/build-kstatus.sh

.PHONY: glua
glua: ## Build glua (gopher-lua, Argo CD's Lua VM) from its Go module, for the health-check tests (cached)
	@bash hack/build-glua.sh

.PHONY: cni-crds
cni-crds: ## Fetch Cilium's CiliumNetworkPolicy CRD through the Go module proxy (cached)
	@bash hack/fetch-cni-crds.sh

.PHONY: upstream-crds
upstream-crds: ## Generate KubeVirt's and CDI's CRDs and fetch prometheus-operator's from their Go modules (cached)
	@bash hack/fetch-upstream-crds.sh

.PHONY: helm
helm: ## Build Helm from its Go module (cached); the chart tests run it
	@bash hack/build-helm.sh

.PHONY: build
build: ## Compile, generate the CRDs and package the operator (no tests)
	$(MVN) package -DskipTests $(MVN_PROPS)

CHART_VERSION := $(shell awk '/^version:/ {print $$2; exit}' $(CHART)/Chart.yaml)
.PHONY: chart-package
chart-package: helm ## The chart as artefacts: target/chart/odoovps-operator-<version>.tgz (helm package) and a plain-manifest bundle of the defaults (kubectl apply -f)
	rm -rf target/chart && mkdir -p target/chart
	$(HELM) lint --strict $(CHART)
	$(HELM) package $(CHART) -d target/chart
	$(HELM) template odoovps-operator $(CHART) -n odoovps-system > target/chart/odoovps-operator-$(CHART_VERSION).yaml
	@ls -l target/chart

PREFIX ?= $(HOME)/.local
.PHONY: plugin
plugin: build ## Install the kubectl plugin (kubectl odoovps) into $(PREFIX)/bin, its application into $(PREFIX)/lib/odoovps-plugin
	rm -rf $(PREFIX)/lib/odoovps-plugin
	mkdir -p $(PREFIX)/bin $(PREFIX)/lib
	cp -r target/quarkus-app $(PREFIX)/lib/odoovps-plugin
	install -m 0755 hack/plugin/kubectl-odoovps $(PREFIX)/bin/kubectl-odoovps
	@echo "installed $(PREFIX)/bin/kubectl-odoovps; with $(PREFIX)/bin on PATH: kubectl odoovps describe -n NAMESPACE VPS"

IMAGE_TAR := target/odoovps-operator-image.tar
IMAGE_VERSION := $(shell awk -F'[<>]' '/<artifactId>odoovps-operator<\/artifactId>/ {getline; print $$3; exit}' pom.xml)

.PHONY: image
image: build ## Build the image tarball target/odoovps-operator-image.tar (Debian JRE + Jib; no daemon, no registry)
	@bash hack/build-image-rootfs.sh
	mkdir -p target/image/build/classes
	$(MVN) -f hack/image/pom.xml jib:buildTar -Dimage.version=$(IMAGE_VERSION)

.PHONY: image-test
image-test: ## Check the image tarball; as root, run its JVM in a chroot in both modes (ImageTarballIT)
	$(MVN) test-compile failsafe:integration-test failsafe:verify -Dit.test=ImageTarballIT \
		-Dimage.tar=$(CURDIR)/$(IMAGE_TAR)

.PHONY: crds
crds: ## Regenerate the CRDs from the Java types into crds/ (with kubectl's conventions); copy them and config/policies into the chart
	mkdir -p crds
	$(MVN) test -Dtest=CrdDriftTest -Dcrds.update=true -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
	mkdir -p $(CHART)/files/crds
	rm -f $(CHART)/files/crds/*.yml
	cp crds/*.yml $(CHART)/files/crds/
	mkdir -p $(CHART)/files/policies
	cp config/policies/*.yaml $(CHART)/files/policies/

.PHONY: fmt
fmt: ## Format the Java sources (google-java-format)
	$(MVN) spotless:apply

S3PROXY_CLASSPATH := target/tools/s3proxy.classpath
$(S3PROXY_CLASSPATH): hack/s3proxy/pom.xml
	mkdir -p target/tools
	$(MVN) -q -f hack/s3proxy/pom.xml dependency:build-classpath -Dmdep.outputFile=$(CURDIR)/$(S3PROXY_CLASSPATH)

.PHONY: s3proxy
s3proxy: $(S3PROXY_CLASSPATH) ## Resolve S3Proxy, the S3 server the backup tests run

.PHONY: qemu-img
qemu-img: ## Install Debian's qemu-utils when qemu-img is missing (the disk-fill tests make qcow2 images)
	@command -v qemu-img >/dev/null || bash hack/apt-install.sh qemu-utils

.PHONY: ssh-client
ssh-client: ## Install Debian's openssh-client when ssh-keygen is missing (the command-key test reads a key with it; make e2e logs into the VPS)
	@command -v ssh-keygen >/dev/null || bash hack/apt-install.sh openssh-client

.PHONY: nft
nft: ## Debian's nftables on the machine: the shaper's packet-limit test writes a table with it (root)
	@command -v nft >/dev/null || bash hack/apt-install.sh nftables

.PHONY: iperf3
iperf3: ## Debian's iperf3 on the machine: the Internet's end of the e2e bandwidth probes
	@command -v iperf3 >/dev/null || bash hack/apt-install.sh iperf3

.PHONY: test
test: control-plane upstream-crds monitoring-tools glua kstatus helm cni-crds s3proxy qemu-img ssh-client nft ## Run every test tier: unit, real API server, end to end
	$(MVN) verify $(MVN_PROPS)

.PHONY: test-one
test-one: control-plane upstream-crds monitoring-tools glua kstatus helm cni-crds s3proxy qemu-img ssh-client nft ## Run only the surefire tests TEST=Class[#method][,Class...] with the same tools as make test
	$(MVN) test -Dtest='$(TEST)' -Dsurefire.failIfNoSpecifiedTests=false $(MVN_PROPS)

GREENMAIL_JAR := target/tools/greenmail-standalone.jar
$(GREENMAIL_JAR):
	$(MVN) -q dependency:copy -Dartifact=com.icegreen:greenmail-standalone:2.1.5 -DoutputDirectory=target/tools -Dmdep.stripVersion=true

.PHONY: node
node: control-plane ## Build kubelet, kube-proxy, kube-scheduler, CNI plugins, CoreDNS and the node's images; Debian's containerd and runc (cached)
	@bash hack/build-node.sh

.PHONY: kubevirt
kubevirt: ## Build KubeVirt (virt-operator, -api, -controller, -handler, -launcher...) and its images from its Go module (cached)
	@bash hack/build-kubevirt.sh

.PHONY: kubevirt-smoke
kubevirt-smoke: node kubevirt ## Boot two real VMs (containerDisk, PVC) under KubeVirt on a throw-away node (root) and report
	@bash hack/kubevirt-smoke.sh

.PHONY: e2e
e2e: node kubevirt guest-image odoo-standin image upstream-crds helm cni-crds s3proxy ssh-client monitoring-tools iperf3 ## End to end on a real node (root): the chart's operator as pods, backup, restore and disk-fill Jobs as pods, KubeVirt booting a real VPS
	@bash hack/e2e.sh $(MVN_PROPS)

.PHONY: guest-image
guest-image: ## Build the guest OS image (root): Debian bookworm disk.qcow2 + containerDisk tarball -> target/guest/ (cached)
	@bash hack/build-guest-image.sh

.PHONY: odoo-standin
odoo-standin: ## Build the Odoo STAND-IN packages (not Odoo) and their flat apt repository -> target/guest/standin-repo (cached)
	@bash hack/build-odoo-standin.sh

.PHONY: guest-image-test
guest-image-test: guest-image odoo-standin ## Boot the guest image under QEMU (TCG) with NoCloud user data; provision, upgrade, maintenance, grow-disk (root)
	@bash hack/test-guest-image.sh

.PHONY: run
run: control-plane upstream-crds build $(GREENMAIL_JAR) ## Start a local cluster (a node too when root; ODOOVPS_NODE=off without), the operator and the sample VPSs
	@bash hack/run-local.sh

BENCH_SIZES ?= 100,1000,5000
BENCH_VPS ?=
BENCH_BACKUP_MIB ?= 256
BENCH_BACKUP_RUNS ?= 3
BENCH ?= ScaleBenchmark,BackupThroughputBenchmark
CHAOS_VPS ?= 1000
CHAOS_SEED ?= 20261127
BENCH_OPERATOR_XMX ?= 2g
# JVM options of the benchmarked operator, e.g. -XX:StartFlightRecording=filename=target/bench/operator.jfr
BENCH_OPERATOR_JVM ?=
# reconcile and workflow threads of the benchmarked operator, and the baseline's (unset: 50)
BENCH_THREADS ?=
# Each namespace with a BackupPolicy covering every VPS (CronJob, export token, BackupRecord per VPS)
BENCH_POLICY ?= true
# etcd's space quota (kube-api-test starts etcd with its default of 2 GiB; etcd reads the flag from
# this variable): the 10,000-VPS size and its baseline hold about 20,000 VPSs' objects
BENCH_ETCD_QUOTA ?= 8589934592
BENCH_PROPS := -Dbench.sizes=$(if $(BENCH_VPS),$(BENCH_VPS),$(BENCH_SIZES)) -Dbench.backup.mib=$(BENCH_BACKUP_MIB) \
	-Dbench.backup.runs=$(BENCH_BACKUP_RUNS) -Dchaos.vps=$(CHAOS_VPS) -Dchaos.seed=$(CHAOS_SEED) -Dbench.operator.xmx=$(BENCH_OPERATOR_XMX) \
	'-Dbench.operator.jvm.options=$(BENCH_OPERATOR_JVM)' $(if $(BENCH_THREADS),-Dbench.threads=$(BENCH_THREADS)) -Dbench.policy=$(BENCH_POLICY)
.PHONY: bench
bench: control-plane upstream-crds build s3proxy ## Benchmarks: N OdooVps for N in BENCH_SIZES=100,1000,5000 (or BENCH_VPS=N), backup upload -> target/bench/
	@mkdir -p target/bench && touch target/bench/.started
	ETCD_QUOTA_BACKEND_BYTES=$(BENCH_ETCD_QUOTA) $(MVN) test -Dtest=$(BENCH) -Dsurefire.failIfNoSpecifiedTests=false -Djava.awt.headless=true $(BENCH_PROPS) $(MVN_PROPS)
	@find target/bench -maxdepth 1 -name '*.md' -newer target/bench/.started -exec cat {} +

.PHONY: chaos
chaos: control-plane upstream-crds build ## Chaos: CHAOS_VPS=1000 created while the operator is SIGKILLed 3-5 times and kube-apiserver once (CHAOS_SEED) -> PASS/FAIL
	@$(MAKE) --no-print-directory bench BENCH=ChaosScenario

.PHONY: clean
clean: ## Remove build output (the control-plane cache stays)
	$(MVN) clean
