# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the faults suite's probe-failure boot (busybox sh, run as
# /test.sh).  The DT has two protocol nodes with reg 0x14, so the SCMI
# core's probe fails in its channel setup, after our channels were set up
# for it.  Cores without the 6.12.y fix "Clean up channels on setup
# failure" (6.12.95, bookworm-backports) then free their channel info
# without calling chan_free: a notification delivered to it afterwards is
# a use-after-free.  The module must detach from the failed instance:
# notifications are dropped (no_chan), none is delivered.  The host
# (tests/faults/host-probe-failure.sh) sends 5 notifications when the
# guest prints "VSCMI-NOTE pf-notify".

. /lib/vscmi/lib.sh

echo 1 >/proc/sys/kernel/printk
STATS=
stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }

if ! modprobe virtio_scmi 2>/tmp/mp.err; then
	result_fail modprobe "$(cat /tmp/mp.err)"
	exit 0
fi
_i=0
while [ $_i -lt 100 ] && ! dmesg | grep -q 'arm_scmi core did not bind'; do
	sleep 0.2
	_i=$((_i + 1))
done
if dmesg | grep -q 'failed to setup channels\|unable to allocate SCMI idr slot'; then
	result_ok core-failed
else
	result_fail core-failed "no channel setup failure from the core: $(dmesg | grep -i scmi | tail -n 3 | tr '\n' ' ')"
fi
for _d in /sys/kernel/debug/virtio_scmi/*; do
	[ -r "$_d/stats" ] && STATS=$_d/stats
done
if [ -z "$STATS" ]; then
	result_fail stats "no virtio_scmi stats in debugfs"
	exit 0
fi
cp "$STATS" /tmp/st.0
echo "VSCMI-NOTE pf-notify"
_i=0
while [ $_i -lt 150 ]; do
	_got=$(($(stat_of "$STATS" no_chan) + $(stat_of "$STATS" notifs) -
		$(stat_of /tmp/st.0 no_chan) - $(stat_of /tmp/st.0 notifs)))
	[ "$_got" -ge 5 ] && break
	sleep 0.2
	_i=$((_i + 1))
done
_nc=$(($(stat_of "$STATS" no_chan) - $(stat_of /tmp/st.0 no_chan)))
_nt=$(($(stat_of "$STATS" notifs) - $(stat_of /tmp/st.0 notifs)))
note "probe-failure: after 5 notifications: no_chan +$_nc, notifs (delivered) +$_nt"
if [ "$_nc" = 5 ] && [ "$_nt" = 0 ]; then
	result_ok notifications-dropped
else
	result_fail notifications-dropped \
		"no_chan grew by $_nc, notifs (delivered to the failed instance) by $_nt; want 5 and 0"
fi
if rmmod virtio_scmi 2>/tmp/rm.err; then
	result_ok rmmod
else
	result_fail rmmod "$(cat /tmp/rm.err)"
fi
exit 0
