# KubeVirt on the node of hack/lib/cluster.sh, as shell functions; sourced after cluster.sh, not run.
# The images come from hack/build-kubevirt.sh (`make kubevirt`), cached in $KUBEVIRT_HOME.
#
#   kubevirt_kvm_boots     prints yes when a Linux guest boots under KVM here, else no (and why, on
#                          stderr). It BOOTS the smoke guest's kernel with qemu -enable-kvm and a
#                          timeout: /dev/kvm being there proves nothing (docs/kubevirt.md). The
#                          answer is cached per boot of the machine (/proc/sys/kernel/random/boot_id).
#   kubevirt_up            imports KubeVirt's images into the node, installs virt-operator (its
#                          Deployment and RBAC rendered by KubeVirt's own manifest-templator, with
#                          the local images and imagePullPolicy IfNotPresent), creates the KubeVirt
#                          CR (useEmulation: true only when kubevirt_kvm_boots says no; one replica of
#                          virt-api and virt-controller) and waits until it is Available
#   kubevirt_down          what KubeVirt leaves on the host: its processes, mounts and folders
#                          (cluster_down calls it)
#
# Inputs: KUBEVIRT_VERSION, ODOOVPS_TOOLS_DIR; KUBEVIRT_USE_EMULATION=auto|true|false (auto: probe);
# KUBEVIRT_WAIT_SECONDS (default 900).

: "${KUBEVIRT_VERSION:=1.7.0}"
KUBEVIRT_HOME="$ODOOVPS_TOOLS_DIR/kubevirt-${KUBEVIRT_VERSION}"
KUBEVIRT_NAMESPACE=kubevirt
KUBEVIRT_IMAGE_PREFIX=localhost/kubevirt
KUBEVIRT_STARTED=false
# the host folders virt-handler and virt-launcher use (hostPath volumes of KubeVirt v1.7.0)
# (/var/run is /run here: /proc/mounts names them under /run)
KUBEVIRT_HOST_DIRS=(/run/kubevirt /run/kubevirt-private /run/kubevirt-libvirt-runtimes
  /var/lib/kubevirt /var/lib/kubevirt-node-labeller)

kubevirt_kvm_boots() {
  local cache="$ODOOVPS_TOOLS_DIR/kvm-probe" boot_id answer log
  boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
  if [ -s "$cache/$boot_id" ]; then cat "$cache/$boot_id"; return 0; fi
  mkdir -p "$cache"
  log="$cache/$boot_id.log"
  answer=no
  if [ ! -c /dev/kvm ]; then
    echo "no /dev/kvm" >"$log"
  elif ! command -v qemu-system-x86_64 >/dev/null; then
    echo "no qemu-system-x86_64 to probe KVM with (apt-get install qemu-system-x86)" >"$log"
  else
    # the smoke guest's kernel and initrd: with odoovps.probe on its command line, its init prints
    # a line and powers off. -cpu host is what KubeVirt's default CPU model (host-model) amounts to.
    timeout 60 qemu-system-x86_64 -enable-kvm -cpu host -m 256 -nodefaults -display none -serial stdio \
      -no-reboot -kernel "$KUBEVIRT_HOME/guest/vmlinuz" -initrd "$KUBEVIRT_HOME/guest/initrd.gz" \
      -append "console=ttyS0 odoovps.probe panic=-1" </dev/null >"$log" 2>&1 || true
    grep -q ODOOVPS-KVM-PROBE-OK "$log" && answer=yes
  fi
  find "$cache" -type f ! -name "$boot_id*" -delete 2>/dev/null || true # earlier boots' answers
  echo "$answer" >"$cache/$boot_id"
  [ "$answer" = yes ] || echo "KVM cannot boot a guest here ($(tail -n 3 "$log" | tr '\n' ' ' | cut -c1-200)); see $log" >&2
  echo "$answer"
}

kubevirt_up() {
  local start t emulation images
  start=$(date +%s)
  [ -s "$KUBEVIRT_HOME/images/virt-launcher.tar" ] || { echo "error: KubeVirt is not built: run 'make kubevirt'" >&2; return 1; }
  KUBEVIRT_STARTED=true
  printf "importing KubeVirt %s images " "$KUBEVIRT_VERSION"
  for i in virt-operator virt-api virt-controller virt-handler virt-launcher smoke-containerdisk; do
    cluster_import_image "$KUBEVIRT_HOME/images/$i.tar" || return 1
  done
  echo "ok ($(( $(date +%s) - start )) s)"
  case "${KUBEVIRT_USE_EMULATION:-auto}" in
    true) emulation=true ;;
    false) emulation=false ;;
    *) if [ "$(kubevirt_kvm_boots)" = yes ]; then emulation=false; else emulation=true; fi ;;
  esac
  echo "KubeVirt useEmulation: $emulation"
  local tag="v$KUBEVIRT_VERSION" p="$KUBEVIRT_IMAGE_PREFIX"
  # two passes, as KubeVirt's hack/build-manifests.sh does: the generated manifests (CRD, RBAC)
  # into the template, then the variables (namespace, images, pull policy)
  local m="$KUBEVIRT_HOME/manifests"
  "$KUBEVIRT_HOME/bin/manifest-templator" --process-files --generated-manifests-dir "$m/generated" \
    --input-file "$m/release/kubevirt-operator.yaml.in" >"$CLUSTER_DIR/kubevirt-operator.yaml.in" || return 1
  "$KUBEVIRT_HOME/bin/manifest-templator" --process-vars --namespace "$KUBEVIRT_NAMESPACE" \
    --container-prefix "$p" --container-tag "$tag" --image-pull-policy IfNotPresent --verbosity 2 \
    --kubevirt-logo-path "$m/kubevirt_logo.png" --input-file "$CLUSTER_DIR/kubevirt-operator.yaml.in" \
    --virt-operator-image "$p/virt-operator:$tag" --virt-api-image "$p/virt-api:$tag" \
    --virt-controller-image "$p/virt-controller:$tag" --virt-handler-image "$p/virt-handler:$tag" \
    --virt-launcher-image "$p/virt-launcher:$tag" >"$CLUSTER_DIR/kubevirt-operator.yaml" || return 1
  # virt-operator's Deployment requires a control-plane (or master) node: the single node is one
  kubectl label node "$NODE_NAME" node-role.kubernetes.io/control-plane= --overwrite >/dev/null || return 1
  kubectl apply --server-side -f "$CLUSTER_DIR/kubevirt-operator.yaml" >/dev/null || return 1
  # the template names only the operator's image (the others follow from its registry and tag):
  # name each local image explicitly, as virt-operator's environment allows
  kubectl -n "$KUBEVIRT_NAMESPACE" set env deployment/virt-operator \
    VIRT_API_IMAGE="$p/virt-api:$tag" VIRT_CONTROLLER_IMAGE="$p/virt-controller:$tag" \
    VIRT_HANDLER_IMAGE="$p/virt-handler:$tag" VIRT_LAUNCHER_IMAGE="$p/virt-launcher:$tag" >/dev/null || return 1
  kubectl wait --for condition=Established crd/kubevirts.kubevirt.io --timeout=60s >/dev/null || return 1
  kubectl apply --server-side -f - >/dev/null <<YAML || return 1
apiVersion: kubevirt.io/v1
kind: KubeVirt
metadata: {name: kubevirt, namespace: $KUBEVIRT_NAMESPACE}
spec:
  imagePullPolicy: IfNotPresent
  infra: {replicas: 1}
  configuration:
    developerConfiguration:
      useEmulation: $emulation
YAML
  printf "waiting for KubeVirt to be Available "
  local seconds=${KUBEVIRT_WAIT_SECONDS:-900}
  if ! cluster_wait "$seconds" KubeVirt kubectl -n "$KUBEVIRT_NAMESPACE" wait --for condition=Available kv/kubevirt --timeout=1s; then
    kubectl -n "$KUBEVIRT_NAMESPACE" get kv,pods -o wide >&2 || true
    return 1
  fi
  t=$(( $(date +%s) - start ))
  KUBEVIRT_INSTALL_SECONDS=$t
  echo "ok (KubeVirt installed in $t s)"
}

kubevirt_down() {
  $KUBEVIRT_STARTED || [ -d /run/kubevirt ] || return 0
  # QEMU, virtqemud, virtlogd and the launchers run in pods: cluster_down kills what runs in the pods'
  # cgroups; this catches what left them (by their root, which is a container's, under the node's
  # containerd state folder)
  local p root
  for p in /proc/[0-9]*; do
    root=$(readlink "$p/root" 2>/dev/null) || continue
    case "$root" in "$CLUSTER_DIR"/node/containerd/*) kill -9 "${p#/proc/}" 2>/dev/null || true ;; esac
  done
  local d
  for d in "${KUBEVIRT_HOST_DIRS[@]}"; do
    grep -F " $d" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  done
  for d in "${KUBEVIRT_HOST_DIRS[@]}"; do rm -rf "$d" 2>/dev/null || true; done
  KUBEVIRT_STARTED=false
}
