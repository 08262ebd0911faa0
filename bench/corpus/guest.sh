# The corpus runner's guest script (run.sh prepends KLP_NAME=...): the
# patch is loaded, enabled and its transition completes; a small workload
# runs while it is live; it is disabled and removed.  Modules the patch
# touches are at /mods/ and are loaded first.  The patches are real fixes,
# so there is no behaviour to check beyond "the kernel keeps working":
# qemu-run.sh fails the run on any Oops/WARNING/BUG or livepatch error.
. /lib/klp-check.sh
for m in /mods/*.ko; do
	[ -f "$m" ] && expect_ok "insmod $m" insmod "$m"
done
klp_load /klp.ko "$KLP_NAME"
workload() {
	i=0
	while [ $i -lt 20 ]; do
		echo "$i" > /tmp/w.$i && cat /tmp/w.$i > /dev/null && rm /tmp/w.$i
		sh -c 'exit 0'
		i=$((i + 1))
	done
	cat /proc/self/status /proc/meminfo /proc/interrupts > /dev/null
	ls -R /proc/sys > /dev/null 2>&1
	ls -l /sys/kernel/livepatch > /dev/null
	dd if=/dev/zero of=/tmp/blob bs=4096 count=256 2>/dev/null && sync && rm /tmp/blob
	sleep 1 &
	wait
}
expect_ok "workload while patched" workload
klp_unload "$KLP_NAME"
expect_ok "workload after unloading" workload
klp_done
