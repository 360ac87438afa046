# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the smoke suite: load an SCMI virtio transport module, wait
# for the SCMI core to enumerate the platform and check what it found
# against /root/expect (written by tests/suites/smoke.sh from the
# platform's own state dump):
#   MODULE=name  VENDOR=..  SUBVENDOR=..  CLOCKS="name:rate ..."
#   PDS="name ..."  CHECK_CLK=0|1  CHECK_GENPD=0|1  CHECK_VENDOR_ID=0|1
#   EXPECT_AUTOLOAD=0|1 (the module has the virtio device alias: init's
#   coldplug must have loaded it before this script runs)
. /lib/vscmi/lib.sh
. /root/expect

if [ "${EXPECT_AUTOLOAD:-0}" = 1 ]; then
	if grep -q "^$MODULE " /proc/modules; then
		result_ok autoload
	else
		result_fail autoload "$MODULE not loaded for the virtio SCMI device by its alias"
	fi
fi
if grep -q "^$MODULE " /proc/modules; then
	note "$MODULE was loaded automatically"
	result_ok module-load
else
	check module-load modprobe "$MODULE"
fi
grep -q "^$MODULE " /proc/modules && note "$(grep "^$MODULE " /proc/modules)"

end=$(($(uptime_s) + 30))
while ! dmesg | grep -q "SCMI Protocol v"; do
	[ "$(uptime_s)" -ge $end ] && break
	sleep 0.2
done
line=$(dmesg | grep "SCMI Protocol v" | head -n 1)
note "scmi-ready: $line"
case $line in
*"SCMI Protocol v"*"'$VENDOR:$SUBVENDOR'"*) result_ok scmi-protocol ;;
"") result_fail scmi-protocol "no 'SCMI Protocol v' line in dmesg after 30 s" ;;
*) result_fail scmi-protocol "unexpected: ${line#*] }" ;;
esac

if [ "$CHECK_VENDOR_ID" = 1 ]; then
	f=$(ls /sys/bus/platform/devices/*/vendor_id 2>/dev/null | head -n 1)
	if [ -n "$f" ]; then
		expect_eq vendor-id "$(cat "$f")" "$VENDOR"
		if [ -r "${f%/*}/sub_vendor_id" ]; then
			expect_eq sub-vendor-id "$(cat "${f%/*}/sub_vendor_id")" "$SUBVENDOR"
		fi
	else
		result_fail vendor-id "no /sys/bus/platform/devices/*/vendor_id"
	fi
fi

if [ "$CHECK_CLK" = 1 ]; then
	s=/sys/kernel/debug/clk/clk_summary
	first=${CLOCKS%%:*}
	end=$(($(uptime_s) + 10))
	while ! grep -q "^ *$first " $s 2>/dev/null; do
		[ "$(uptime_s)" -ge $end ] && break
		sleep 0.2
	done
	for c in $CLOCKS; do
		name=${c%%:*}
		rate=${c#*:}
		got=$(awk -v n="$name" '$1 == n { print $5; exit }' $s 2>/dev/null)
		expect_eq "clk/$name" "${got:-absent}" "$rate"
	done
fi

if [ "$CHECK_GENPD" = 1 ]; then
	s=/sys/kernel/debug/pm_genpd/pm_genpd_summary
	for p in $PDS; do
		if grep -q "^$p " $s 2>/dev/null; then
			result_ok "genpd/$p"
		else
			result_fail "genpd/$p" "not in pm_genpd_summary"
		fi
	done
fi
exit 0
