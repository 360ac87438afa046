#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# GUEST_DT_HOOK of the pm suite (tests/lib/guest.sh): give the SCMI power,
# clock and reset protocol nodes phandles and add the consumer device
# (tests/consumer/vscmi_consumer.c) at /vscmi-consumer:
#   power-domains  SCMI power domain 0 (pd_gpu, off in the platform's
#                  default configuration)
#   clocks         SCMI clock 1 (scmi_clk_gpu, disabled by default)
#   resets         SCMI reset domain 1 (rst_gpu)
# Power domain 2 (pd_usb, on by default) is left unused.
# Usage: dt-hook.sh DTB
set -e
dtb=$1
fdtput -t x "$dtb" /firmware/scmi/protocol@11 phandle 7f11
fdtput -t x "$dtb" /firmware/scmi/protocol@14 phandle 7f14
fdtput -t x "$dtb" /firmware/scmi/protocol@16 phandle 7f16
fdtput -c "$dtb" /vscmi-consumer
fdtput -t s "$dtb" /vscmi-consumer compatible virtio-scmi,test-consumer
fdtput -t x "$dtb" /vscmi-consumer power-domains 7f11 0
fdtput -t x "$dtb" /vscmi-consumer clocks 7f14 1
fdtput -t x "$dtb" /vscmi-consumer resets 7f16 1
