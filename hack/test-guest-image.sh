#!/usr/bin/env bash
# Boots the guest image (make guest-image) under QEMU with software emulation (TCG: this machine's
# KVM cannot run a Linux guest, see docs/kubevirt.md), 1 vCPU, GUEST_TEST_MEMORY MiB,
# user-mode networking only (ports 22 and 443 forwarded to 127.0.0.1 of this host), and a NoCloud
# seed with the user data the operator sends, pointed at the Odoo STAND-IN repository (make
# odoo-standin) served from this host on 10.0.2.2. Then checks, over SSH and HTTPS:
#   cloud-init done; https://.../web/login is the stand-in's page at 17.0; the stand-in recorded
#   the database initialisation and the admin login (and a hash, not the password); 443 answers
#   503 without the done marker; root logs in with the key; password logins are refused; no
#   account but root has a login shell, no account a password; the guest agent answers;
#   upgrade-odoo 18.0 moves the page to 18.0; maintenance --no-reboot writes the update log;
#   after qemu-img resize and a reboot, grow-disk gives a larger root file system.
# Figures (boot-to-Odoo and the other timings) go to target/guest/test/results.txt, the serial
# console to target/guest/test/serial-*.log. QEMU, the HTTP server and temporary files are
# cleaned up on exit.
# shellcheck disable=SC2016 # the bash -c checks take their values as "$1"
set -euo pipefail
# The whole test is one function, read before it runs: editing this file cannot change a run.
main() {
cd "$(dirname "$0")/.."
ROOT=$PWD
MEM="${GUEST_TEST_MEMORY:-1024}"
DISK_SIZE="${GUEST_TEST_DISK:-8G}"
IMAGE=$(readlink -f "$ROOT/target/guest/disk.qcow2" || true)
REPO=$(readlink -f "$ROOT/target/guest/standin-repo" || true)
OUT="${GUEST_TEST_OUT:-$ROOT/target/guest/test}"
[ -s "$IMAGE" ] || { echo "error: no $IMAGE: run make guest-image" >&2; exit 1; }
[ -s "$REPO/Release" ] || { echo "error: no $REPO: run make odoo-standin" >&2; exit 1; }
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v qemu-img >/dev/null || need+=(qemu-utils)
command -v genisoimage >/dev/null || need+=(genisoimage)
command -v ssh >/dev/null || need+=(openssh-client)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "error: install ${need[*]}" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${need[@]}" >/dev/null
fi

mkdir -p "$OUT"
W=$(mktemp -d)
QEMU_PID="" HTTP_PID=""
stop_qemu() {
  if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
    kill "$QEMU_PID" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$QEMU_PID" 2>/dev/null || true
  fi
  QEMU_PID=""
}
cleanup() {
  set +e
  stop_qemu
  [ -n "$HTTP_PID" ] && kill "$HTTP_PID" 2>/dev/null
  rm -rf "$W"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SSH_PORT=$(free_port) HTTPS_PORT=$(free_port) REPO_PORT=$(free_port)
RESULTS="$OUT/results.txt"
: >"$RESULTS"
note() { echo "$*" | tee -a "$RESULTS"; }
failures=0
check() { # check NAME COMMAND...: records PASS or FAIL
  local name=$1; shift
  if "$@"; then note "PASS $name"; else note "FAIL $name"; failures=$((failures + 1)); fi
}

# --- The stand-in repository, on 127.0.0.1 of this host = 10.0.2.2 for the guest
python3 -m http.server "$REPO_PORT" --bind 127.0.0.1 --directory "$REPO" >"$W/http.log" 2>&1 &
HTTP_PID=$!

# --- The NoCloud seed: the operator's user data shape, plus the test's SSH key for root
ssh-keygen -q -t ed25519 -N '' -f "$W/id" -C odoovps-guest-test
ADMIN_LOGIN="customer@example.com"
ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
cat >"$W/user-data" <<EOF
#cloud-config
hostname: vps-test
disable_root: false
ssh_pwauth: false
users: []
ssh_authorized_keys:
  - $(cat "$W/id.pub")
write_files:
  - path: /etc/odoo-vps/admin
    owner: root:root
    permissions: "0600"
    content: |
      login=$ADMIN_LOGIN
      password=$ADMIN_PASSWORD
  - path: /etc/odoo-vps/odoo.env
    owner: root:root
    permissions: "0644"
    content: |
      ODOO_VERSION=17.0
      ODOO_REPOSITORY="[trusted=yes] http://10.0.2.2:$REPO_PORT/ ./"
      ODOO_DATABASE=odoo
runcmd:
  - [/usr/lib/odoo-vps/provision]
EOF
printf 'instance-id: odoovps-test-%s\nlocal-hostname: vps-test\n' "$(date +%s)" >"$W/meta-data"
genisoimage -quiet -output "$W/seed.iso" -volid cidata -joliet -rock "$W/user-data" "$W/meta-data"
sed "s/password=.*/password=<redacted>/" "$W/user-data" >"$OUT/user-data.example"

qemu-img create -q -f qcow2 -b "$IMAGE" -F qcow2 "$W/vm.qcow2" "$DISK_SIZE"

boot() { # boot NAME: starts QEMU in the background
  qemu-system-x86_64 -machine pc,accel=tcg -cpu max -smp 1 -m "$MEM" -display none \
    -serial "file:$OUT/serial-$1.log" -monitor none -no-user-config -nodefaults \
    -drive "file=$W/vm.qcow2,if=virtio,format=qcow2,discard=unmap" \
    -drive "file=$W/seed.iso,if=virtio,format=raw,readonly=on" \
    -netdev "user,id=net0,hostfwd=tcp:127.0.0.1:$SSH_PORT-:22,hostfwd=tcp:127.0.0.1:$HTTPS_PORT-:443" \
    -device virtio-net-pci,netdev=net0 \
    -chardev "socket,id=qga0,path=$W/qga.sock,server=on,wait=off" \
    -device virtio-serial -device virtserialport,chardev=qga0,name=org.qemu.guest_agent.0 \
    -qmp "unix:$W/qmp.sock,server=on,wait=off" \
    -device virtio-rng-pci &
  QEMU_PID=$!
}
SSH=(ssh -i "$W/id" -p "$SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
  -o LogLevel=ERROR -o ConnectTimeout=10 -o BatchMode=yes root@127.0.0.1)
vm() { "${SSH[@]}" "$@"; }
wait_ssh() {
  local deadline=$(( $(date +%s) + $1 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    kill -0 "$QEMU_PID" 2>/dev/null || { echo "QEMU exited" >&2; return 1; }
    vm true 2>/dev/null && return 0
    sleep 3
  done
  return 1
}
https_code() { curl -k -s -o /dev/null -w '%{http_code}' --max-time 10 "https://127.0.0.1:$HTTPS_PORT/web/login" || true; }

# --- First boot: QEMU start -> 443 answers with Odoo's page
note "guest image: $(readlink -f "$IMAGE") ($(stat -Lc %s "$IMAGE") bytes); QEMU TCG, 1 vCPU, ${MEM} MiB, disk $DISK_SIZE"
t0=$(date +%s)
boot first
codes="" t_ssh="" t_proxy="" t_odoo=""
deadline=$((t0 + ${GUEST_TEST_TIMEOUT:-2400}))
while [ "$(date +%s)" -lt "$deadline" ]; do
  kill -0 "$QEMU_PID" 2>/dev/null || { note "FAIL QEMU exited during the first boot"; exit 1; }
  code=$(https_code)
  case " $codes " in *" $code "*) ;; *) codes="$codes $code"; echo "$(( $(date +%s) - t0 )) s: 443 answers $code" ;; esac
  [ -z "$t_proxy" ] && [ "$code" != 000 ] && t_proxy=$(( $(date +%s) - t0 ))
  [ -z "$t_ssh" ] && vm true 2>/dev/null && t_ssh=$(( $(date +%s) - t0 )) && echo "$t_ssh s: SSH answers"
  if [ "$code" = 200 ]; then t_odoo=$(( $(date +%s) - t0 )); break; fi
  sleep 3
done
note "first boot: SSH after ${t_ssh:-?} s, 443 first answered after ${t_proxy:-?} s, Odoo's page (200) after ${t_odoo:-never} s; 443 status codes seen in order:$codes"
if [ -z "$t_odoo" ]; then
  note "FAIL 443 never answered 200"
  vm 'cloud-init status --long; tail -n 40 /var/log/odoo-vps/provision.log' 2>&1 | tee -a "$RESULTS" || true
  exit 1
fi

ci=$(vm 'cloud-init status --wait --long' 2>&1 || true)
note "  $(printf %s "$ci" | tr '\n' ' ')"
check "cloud-init status: done" bash -c 'printf %s "$1" | grep -q "^status: done"' _ "$ci"
vm 'cloud-init analyze show 2>/dev/null | tail -n 3; systemd-analyze 2>/dev/null | head -n 1' | tee -a "$RESULTS" || true
vm "grep -h 'provisioned Odoo' /var/log/odoo-vps/provision.log" | tee -a "$RESULTS" || true
page=$(curl -k -s --max-time 10 "https://127.0.0.1:$HTTPS_PORT/web/login")
check "443 /web/login is the stand-in page at 17.0.0+standin with database odoo" \
  bash -c 'printf %s "$1" | grep -q "Odoo stand-in 17.0.0+standin" && printf %s "$1" | grep -q "database odoo, module base at 17.0.0+standin"' _ "$page"
vinfo=$(curl -k -s --max-time 10 -X POST -H 'Content-Type: application/json' -d '{"jsonrpc":"2.0","params":{}}' \
  "https://127.0.0.1:$HTTPS_PORT/web/webclient/version_info")
check "version_info server_version 17.0" bash -c 'printf %s "$1" | python3 -c "import json,sys; assert json.load(sys.stdin)[\"result\"][\"server_version\"] == \"17.0\""' _ "$vinfo"
check "port 80 redirects to https" bash -c "\"\$@\" 'curl -s -o /dev/null -w %{http_code} http://127.0.0.1/web/login' | grep -q 301" _ "${SSH[@]}"
vm cat /var/log/odoo/standin-commands.log >"$OUT/standin-commands-17.log"
pwsha=$(printf %s "$ADMIN_PASSWORD" | sha256sum | cut -d' ' -f1)
check "stand-in log: init command" grep -q -- "argv: odoo --config /etc/odoo/odoo.conf -d odoo -i base --without-demo=all --stop-after-init" "$OUT/standin-commands-17.log"
check "stand-in log: odoo shell admin set with the login and the password's SHA-256" \
  grep -q -- "base.user_admin set: login=$ADMIN_LOGIN password_sha256=$pwsha" "$OUT/standin-commands-17.log"
check "stand-in log: odoo shell command line" grep -q -- "argv: odoo shell -c /etc/odoo/odoo.conf -d odoo --no-http" "$OUT/standin-commands-17.log"
check "the password is in no log of the guest" bash -c "! \"\$@\" 'grep -rqF -- \"$ADMIN_PASSWORD\" /var/log /etc/odoo-vps /var/lib/odoo-vps /var/lib/odoo 2>/dev/null'" _ "${SSH[@]}"
check "/etc/odoo-vps/admin: 0600 root, login kept, password deleted" \
  bash -c "\"\$@\" 'stat -c %a:%U /etc/odoo-vps/admin; cat /etc/odoo-vps/admin' | tr '\n' ' ' | grep -qx '600:root login=$ADMIN_LOGIN '" _ "${SSH[@]}"
check "done marker written" bash -c "\"\$@\" 'cat /var/lib/odoo-vps/provisioned' | grep -q '^version=17.0$'" _ "${SSH[@]}"
check "443 answers 503 without the done marker, 200 with it" bash -c "
  \"\$@\" 'mv /var/lib/odoo-vps/provisioned /run/p'; a=\$(curl -k -s -o /dev/null -w %{http_code} https://127.0.0.1:$HTTPS_PORT/web/login)
  \"\$@\" 'mv /run/p /var/lib/odoo-vps/provisioned'; b=\$(curl -k -s -o /dev/null -w %{http_code} https://127.0.0.1:$HTTPS_PORT/web/login)
  echo \"  without marker: \$a, with: \$b\"; [ \"\$a\" = 503 ] && [ \"\$b\" = 200 ]" _ "${SSH[@]}"
check "provision again is a no-op (exit 0, already provisioned)" bash -c "\"\$@\" /usr/lib/odoo-vps/provision 2>&1 | grep -q 'already provisioned'" _ "${SSH[@]}"
check "TLS certificate is self-signed for the host name" bash -c "\"\$@\" 'openssl x509 -in /etc/odoo-vps/tls/fullchain.pem -noout -subject' | grep -q 'CN = vps-test'" _ "${SSH[@]}"

# --- Accounts and SSH
check "root logs in with the key" vm true
pw_err=$(ssh -p "$SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o PreferredAuthentications=password \
  -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 -o ConnectTimeout=10 root@127.0.0.1 true </dev/null 2>&1 || true)
check "password login refused: Permission denied (publickey)" bash -c 'printf %s "$1" | grep -q "Permission denied (publickey)"' _ "$pw_err"
shells=$(vm "awk -F: 'NR==FNR {s[\$0]=1; next} (\$7 in s) {print \$1\":\"\$7}' /etc/shells /etc/passwd")
note "  accounts with a login shell: $shells"
check "no account but root has a login shell" test "$shells" = "root:/bin/bash"
pwd_accounts=$(vm "awk -F: '\$2 !~ /^[!*]/ {print \$1}' /etc/shadow")
check "no account has a password (root locked)" bash -c "[ -z \"\$1\" ] && \"\${@:2}\" 'passwd -S root' | grep -q '^root L'" _ "$pwd_accounts" "${SSH[@]}"
# KubeVirt's accessCredentials (propagationMethod qemuGuestAgent) need the agent's
# guest-ssh-{get,add,remove}-authorized-keys: add a second key for root that way, log in with it.
ssh-keygen -q -t ed25519 -N '' -f "$W/id-agent" -C odoovps-guest-test-agent
qga_out=$(python3 - "$W/qga.sock" "$(cat "$W/id-agent.pub")" <<'PY' 2>&1
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(60)
f = s.makefile("rw")
def call(cmd, **args):
    f.write(json.dumps({"execute": cmd, "arguments": args} if args else {"execute": cmd}) + "\n")
    f.flush()
    while True:
        line = f.readline()
        r = json.loads(line)
        if "return" in r or "error" in r:
            return r
call("guest-sync", id=4242)
assert call("guest-ping") == {"return": {}}, "guest-ping"
info = call("guest-info")["return"]
enabled = {c["name"] for c in info["supported_commands"] if c["enabled"]}
need = {"guest-ssh-get-authorized-keys", "guest-ssh-add-authorized-keys", "guest-ssh-remove-authorized-keys"}
print("agent", info["version"], "ssh commands enabled:", sorted(need & enabled))
assert need <= enabled, f"missing {need - enabled}"
r = call("guest-ssh-add-authorized-keys", username="root", keys=[sys.argv[2]])
assert "return" in r, r
keys = call("guest-ssh-get-authorized-keys", username="root")["return"]["keys"]
assert sys.argv[2] in keys, keys
print("root's keys through the agent:", len(keys))
PY
) || true
note "  guest agent: $(printf %s "$qga_out" | tr '\n' ' ')"
check "the guest agent answers and adds root's key (KubeVirt's qemuGuestAgent propagation)" \
  ssh -i "$W/id-agent" -p "$SSH_PORT" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
  -o LogLevel=ERROR -o ConnectTimeout=10 -o BatchMode=yes -o IdentitiesOnly=yes root@127.0.0.1 true
vm /usr/lib/odoo-vps/status >"$OUT/status-17.json"
check "status prints JSON (provisioned, 17.0)" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["provisioned"] and d["odoo_version"]=="17.0" and d["root_fs_size_bytes"]>0' "$OUT/status-17.json"

# --- Upgrade 17.0 -> 18.0
t=$(date +%s)
check "upgrade-odoo 18.0" vm /usr/lib/odoo-vps/upgrade-odoo 18.0
note "upgrade-odoo 18.0 took $(( $(date +%s) - t )) s"
page=$(curl -k -s --max-time 10 "https://127.0.0.1:$HTTPS_PORT/web/login")
check "443 /web/login is the stand-in page at 18.0.0+standin, database upgraded" \
  bash -c 'printf %s "$1" | grep -q "Odoo stand-in 18.0.0+standin" && printf %s "$1" | grep -q "module base at 18.0.0+standin"' _ "$page"
check "stand-in log: -u all" bash -c "\"\$@\" cat /var/log/odoo/standin-commands.log | grep -q -- 'argv: odoo -c /etc/odoo/odoo.conf -d odoo -u all --stop-after-init'" _ "${SSH[@]}"

# --- Maintenance without the reboot
t=$(date +%s)
check "maintenance --no-reboot" vm /usr/lib/odoo-vps/maintenance --no-reboot
note "maintenance --no-reboot took $(( $(date +%s) - t )) s"
check "updates.log written" bash -c "\"\$@\" cat /var/log/odoo-vps/updates.log | tee -a '$RESULTS' | grep -q 'maintenance: finished'" _ "${SSH[@]}"
check "odoo stays in the 18.0 series after maintenance" bash -c "\"\$@\" dpkg-query -W odoo | grep -q '18.0.0+standin'" _ "${SSH[@]}"
vm cat /var/log/odoo/standin-commands.log >"$OUT/standin-commands.log"
vm /usr/lib/odoo-vps/status >"$OUT/status-18.json"

# --- Enlarge the disk, reboot, grow the root file system
size_before=$(vm "df -B1 --output=size / | tail -n 1" | tr -d ' ')
vm 'systemctl poweroff' 2>/dev/null || true
for _ in $(seq 1 120); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 1; done
stop_qemu
qemu-img resize -q "$W/vm.qcow2" +4G
t1=$(date +%s)
boot second
wait_ssh 900 || { note "FAIL no SSH after the reboot"; exit 1; }
t_ssh2=$(( $(date +%s) - t1 ))
for _ in $(seq 1 300); do [ "$(https_code)" = 200 ] && break; sleep 2; done
note "second boot (enlarged disk): SSH after $t_ssh2 s, Odoo's page after $(( $(date +%s) - t1 )) s"
grow=$(vm /usr/lib/odoo-vps/grow-disk 2>&1) || true
note "  grow-disk: $(printf %s "$grow" | tr '\n' ' ')"
size_after=$(vm "df -B1 --output=size / | tail -n 1" | tr -d ' ')
note "  root file system: $size_before bytes before, $size_after bytes after (disk $DISK_SIZE + 4G)"
check "root file system grew" test "$size_after" -gt "$((size_before + 3 * 1024 * 1024 * 1024))"
# Online, as KubeVirt expands a running VM's volume: the disk grows under the running guest, and
# grow-disk (not cloud-init, which acts at boot) grows the partition and the file system.
python3 - "$W/qmp.sock" "$(( (${DISK_SIZE%G} + 6) * 1024 * 1024 * 1024 ))" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
def cmd(c, **a):
    f.write(json.dumps({"execute": c, "arguments": a} if a else {"execute": c}) + "\n"); f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            if "error" in r: sys.exit(f"QMP {c}: {r['error']}")
            return r
json.loads(f.readline())
cmd("qmp_capabilities")
cmd("block_resize", device="virtio0", size=int(sys.argv[2]))
PY
sleep 5
grow=$(vm /usr/lib/odoo-vps/grow-disk 2>&1) || true
note "  online resize to $(( ${DISK_SIZE%G} + 6 ))G, then grow-disk: $(printf %s "$grow" | tr '\n' ' ')"
size_online=$(vm "df -B1 --output=size / | tail -n 1" | tr -d ' ')
note "  root file system after grow-disk: $size_online bytes"
check "grow-disk grew the root file system online" test "$size_online" -gt "$((size_after + 1024 * 1024 * 1024))"
check "443 still serves 18.0 after the reboot" bash -c "curl -k -s https://127.0.0.1:$HTTPS_PORT/web/login | grep -q 'Odoo stand-in 18.0.0+standin'"
vm 'systemctl poweroff' 2>/dev/null || true
for _ in $(seq 1 60); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 1; done

note "$( [ "$failures" = 0 ] && echo "ALL PASSED" || echo "$failures FAILED" ) ($(( $(date +%s) - t0 )) s in all)"
[ "$failures" = 0 ]
}
main "$@"
