/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the exerciser expects the SCMI platform to report.
 *
 * Types only; the values live in one table, vx_expect.c, which mirrors the
 * platform's default resource set (tests/platform/scmi/default.conf,
 * documented in tests/platform/README.md).  The guest suite always runs
 * the platform with that default set.
 */
#ifndef VX_EXPECT_H
#define VX_EXPECT_H

#include <linux/types.h>

#define VX_MAX_RES	8
#define VX_MAX_LEVELS	32

/**
 * struct vx_exp_clock - one clock
 * @name: name reported by the platform
 * @rate: initial rate in Hz
 * @discrete: the platform describes a list of rates (else a range)
 * @nrates: discrete: number of rates; range: 3
 * @rates: discrete: the rates, ascending; range: min, max, step
 * @rate_notify: the clock supports rate-changed notifications
 */
struct vx_exp_clock {
	const char *name;
	u64 rate;
	bool discrete;
	unsigned int nrates;
	u64 rates[VX_MAX_LEVELS];
	bool rate_notify;
};

/**
 * struct vx_exp_power - one power domain
 * @name: name reported by the platform
 * @on: initial state is on
 */
struct vx_exp_power {
	const char *name;
	bool on;
};

/**
 * struct vx_exp_perf - one performance domain
 * @name: name reported by the platform
 * @set_perf: level setting allowed
 * @nopps: number of operating points
 * @levels: performance levels, ascending
 * @freqs: frequency of each level in Hz, as the core computes it
 * @level: initial level
 */
struct vx_exp_perf {
	const char *name;
	bool set_perf;
	unsigned int nopps;
	u32 levels[VX_MAX_LEVELS];
	unsigned long freqs[VX_MAX_LEVELS];
	u32 level;
};

/**
 * struct vx_exp_sensor - one sensor
 * @name: name reported by the platform
 * @type: unit class (enum scmi_sensor_class)
 * @scale: power-of-ten scale
 * @ntrips: number of trip points
 * @async: reads complete with a delayed response
 * @update: continuous update notifications supported
 * @min: lowest plausible reading
 * @max: highest plausible reading
 * @varies: consecutive readings differ (the platform simulates a signal)
 * @period_ms: period of the simulated signal
 */
struct vx_exp_sensor {
	const char *name;
	unsigned int type;
	int scale;
	unsigned int ntrips;
	bool async;
	bool update;
	s64 min;
	s64 max;
	bool varies;
	unsigned int period_ms;
};

/**
 * struct vx_exp_reset - one reset domain
 * @name: name reported by the platform
 * @latency_us: reset latency
 * @async: autonomous reset completes with a delayed response
 */
struct vx_exp_reset {
	const char *name;
	int latency_us;
	bool async;
};

/**
 * struct vx_exp_voltage - one voltage domain
 * @name: name reported by the platform
 * @segmented: levels are a (low, high, step) triplet
 * @nlevels: number of entries in @levels
 * @levels: discrete levels in uV (ascending) or the triplet
 * @level: initial level in uV
 * @enabled: initially on (config 0x7), else off (0x0)
 * @async: level set (auto mode) completes with a delayed response
 */
struct vx_exp_voltage {
	const char *name;
	bool segmented;
	unsigned int nlevels;
	int levels[VX_MAX_LEVELS];
	int level;
	bool enabled;
	bool async;
};

/**
 * struct vx_exp_powercap - one powercap zone
 * @name: name reported by the platform
 * @min_cap: lowest configurable cap
 * @max_cap: highest configurable cap
 * @cap_step: cap step
 * @cap: initial cap (0: capping disabled)
 * @min_pai: lowest averaging interval (us)
 * @max_pai: highest averaging interval (us)
 * @pai_step: averaging interval step
 * @pai: initial averaging interval
 * @async: cap set completes with a delayed response
 * @scale_uw: power values are in microwatts (else milliwatts if
 *	      @scale_mw, else abstract)
 * @scale_mw: power values are in milliwatts
 * @power_min: lowest measured power the platform simulates
 * @power_max: highest measured power the platform simulates
 */
struct vx_exp_powercap {
	const char *name;
	u32 min_cap;
	u32 max_cap;
	u32 cap_step;
	u32 cap;
	u32 min_pai;
	u32 max_pai;
	u32 pai_step;
	u32 pai;
	bool async;
	bool scale_uw;
	bool scale_mw;
	u32 power_min;
	u32 power_max;
};

/**
 * struct vx_expect - the whole platform as the exerciser expects it
 * @vendor: base vendor string
 * @sub_vendor: base sub-vendor string
 * @impl_ver: implementation version
 * @major: base protocol major version
 * @minor: base protocol minor version
 * @num_protocols: protocols listed by DISCOVER_LIST_PROTOCOLS
 * @num_agents: agents
 * @has_system: the system power protocol is implemented
 * @clock_async: the clock protocol allows asynchronous rate changes
 * @bad_rate_errno: errno for a clock rate outside the clock's rates
 * @nclocks: number of clocks
 * @clocks: the clocks
 * @npower: number of power domains
 * @power: the power domains
 * @nperf: number of performance domains
 * @perf: the performance domains
 * @nsensors: number of sensors
 * @sensors: the sensors
 * @nresets: number of reset domains
 * @resets: the reset domains
 * @nvoltage: number of voltage domains
 * @voltage: the voltage domains
 * @npowercap: number of powercap zones
 * @powercap: the powercap zones
 */
struct vx_expect {
	const char *vendor;
	const char *sub_vendor;
	u32 impl_ver;
	u16 major;
	u16 minor;
	unsigned int num_protocols;
	unsigned int num_agents;
	bool has_system;
	bool clock_async;
	int bad_rate_errno;
	unsigned int nclocks;
	struct vx_exp_clock clocks[VX_MAX_RES];
	unsigned int npower;
	struct vx_exp_power power[VX_MAX_RES];
	unsigned int nperf;
	struct vx_exp_perf perf[VX_MAX_RES];
	unsigned int nsensors;
	struct vx_exp_sensor sensors[VX_MAX_RES];
	unsigned int nresets;
	struct vx_exp_reset resets[VX_MAX_RES];
	unsigned int nvoltage;
	struct vx_exp_voltage voltage[VX_MAX_RES];
	unsigned int npowercap;
	struct vx_exp_powercap powercap[VX_MAX_RES];
};

extern const struct vx_expect vx_exp;

#endif /* VX_EXPECT_H */
