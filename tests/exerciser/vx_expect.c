// SPDX-License-Identifier: GPL-2.0
/*
 * The platform's default resource set, as the exerciser
 * expects the SCMI core to report it.
 *
 * This is tests/platform/scmi/default.conf (the engine's built-in set,
 * documented in tests/platform/README.md) seen from the guest, plus the
 * protocol facts the engine adds (versions, error statuses).  Keep it in
 * sync with default.conf: it is the only place that knows these values.
 */

#include <linux/errno.h>
#include <linux/scmi_protocol.h>

#include "vx_expect.h"

#define MHZ	1000000ULL

const struct vx_expect vx_exp = {
	/* [platform]; base protocol 2.0, one agent (OSPM), 8 protocols */
	.vendor = "virtio-scmi",
	.sub_vendor = "test-platform",
	.impl_ver = 0x00010000,
	.major = 2,
	.minor = 0,
	.num_protocols = 8,
	.num_agents = 1,
	.has_system = true,
	/* clock_max_async = 4: the core sets rates asynchronously */
	.clock_async = true,
	/* a rate outside a clock's list or range: OUT_OF_RANGE */
	.bad_rate_errno = -ERANGE,

	.nclocks = 4,
	.clocks = {
		{ .name = "scmi_clk_cpu", .rate = 800 * MHZ, .discrete = true,
		  .nrates = 4,
		  .rates = { 400 * MHZ, 800 * MHZ, 1200 * MHZ, 1600 * MHZ },
		  .rate_notify = true },
		{ .name = "scmi_clk_gpu", .rate = 500 * MHZ, .discrete = false,
		  .nrates = 3, .rates = { 100 * MHZ, 1000 * MHZ, 1 * MHZ },
		  .rate_notify = true },
		{ .name = "scmi_clk_uart", .rate = 24 * MHZ, .discrete = true,
		  .nrates = 1, .rates = { 24 * MHZ }, .rate_notify = true },
		{ .name = "scmi_clk_periph_extended_name", .rate = 10 * MHZ,
		  .discrete = true, .nrates = 16,
		  .rates = { 1 * MHZ, 2 * MHZ, 3 * MHZ, 4 * MHZ, 5 * MHZ,
			     6 * MHZ, 7 * MHZ, 8 * MHZ, 9 * MHZ, 10 * MHZ,
			     11 * MHZ, 12 * MHZ, 13 * MHZ, 14 * MHZ, 15 * MHZ,
			     16 * MHZ },
		  .rate_notify = true },
	},

	.npower = 3,
	.power = {
		{ .name = "pd_gpu", .on = false },
		{ .name = "pd_vpu", .on = false },
		{ .name = "pd_usb", .on = true },
	},

	/* freq = level * (sustained kHz * 1000 / sustained level) = level MHz */
	.nperf = 3,
	.perf = {
		{ .name = "perf_cpu0", .set_perf = true, .nopps = 4,
		  .levels = { 500, 1000, 1500, 2000 },
		  .freqs = { 500 * MHZ, 1000 * MHZ, 1500 * MHZ, 2000 * MHZ },
		  .level = 1000 },
		{ .name = "perf_cpu1", .set_perf = true, .nopps = 4,
		  .levels = { 500, 1000, 1500, 2000 },
		  .freqs = { 500 * MHZ, 1000 * MHZ, 1500 * MHZ, 2000 * MHZ },
		  .level = 500 },
		{ .name = "perf_gpu", .set_perf = true, .nopps = 3,
		  .levels = { 200, 400, 600 },
		  .freqs = { 200 * MHZ, 400 * MHZ, 600 * MHZ },
		  .level = 400 },
	},

	/* value(t) = value +- amplitude (triangle); all notify updates */
	.nsensors = 4,
	.sensors = {
		{ .name = "temp_soc", .type = TEMPERATURE_C, .scale = -3,
		  .ntrips = 2, .async = true, .update = true,
		  .min = 40000, .max = 50000, .varies = true,
		  .period_ms = 60000 },
		{ .name = "temp_cpu", .type = TEMPERATURE_C, .scale = -3,
		  .ntrips = 2, .async = false, .update = true,
		  .min = 40000, .max = 60000, .varies = true,
		  .period_ms = 10000 },
		{ .name = "volt_core", .type = VOLTAGE, .scale = -3,
		  .ntrips = 0, .async = true, .update = true,
		  .min = 900, .max = 900, .varies = false },
		{ .name = "power_soc", .type = POWER, .scale = -3,
		  .ntrips = 0, .async = false, .update = true,
		  .min = 2500, .max = 3500, .varies = true,
		  .period_ms = 5000 },
	},

	.nresets = 3,
	.resets = {
		{ .name = "rst_usb", .latency_us = 100, .async = true },
		{ .name = "rst_gpu", .latency_us = 10, .async = false },
		{ .name = "rst_eth", .latency_us = 0, .async = true },
	},

	.nvoltage = 3,
	.voltage = {
		{ .name = "vdd_core", .segmented = false, .nlevels = 3,
		  .levels = { 800000, 900000, 1000000 }, .level = 900000,
		  .enabled = true, .async = true },
		{ .name = "vdd_io", .segmented = true, .nlevels = 3,
		  .levels = { 1800000, 3300000, 100000 }, .level = 3300000,
		  .enabled = true, .async = false },
		{ .name = "vdd_gpu", .segmented = false, .nlevels = 9,
		  .levels = { 700000, 750000, 800000, 850000, 900000, 950000,
			      1000000, 1050000, 1100000 },
		  .level = 800000, .enabled = false, .async = false },
	},

	.npowercap = 2,
	.powercap = {
		{ .name = "pcap_soc", .min_cap = 1000, .max_cap = 10000,
		  .cap_step = 100, .cap = 8000, .min_pai = 1000,
		  .max_pai = 100000, .pai_step = 1000, .pai = 10000,
		  .async = true, .scale_mw = true,
		  .power_min = 3000, .power_max = 7000 },
		{ .name = "pcap_cpu", .min_cap = 500, .max_cap = 5000,
		  .cap_step = 50, .cap = 0, .min_pai = 10000,
		  .max_pai = 10000, .pai_step = 0, .pai = 10000,
		  .async = false, .scale_mw = true,
		  .power_min = 2000, .power_max = 3000 },
	},
};
