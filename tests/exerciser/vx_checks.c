// SPDX-License-Identifier: GPL-2.0
/*
 * Per-protocol checks of the vscmi_exerciser.
 *
 * Every check compares what the SCMI core returns with the platform's
 * default resource set (vx_expect.c), or sets a value and reads it back.
 * Whatever a check changes on the platform it puts back, so checks can be
 * run again in the same boot with the same expectations.
 */

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/irqflags.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/pm_opp.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "vx.h"
#include "vx_expect.h"

/*
 * How long the platform holds delayed responses; the guest suite passes
 * what it configured on the platform (default: the engine's default).
 */
static unsigned int dresp_ms = 1;
module_param(dresp_ms, uint, 0644);
MODULE_PARM_DESC(dresp_ms, "platform's delayed-response hold time in ms");

/* Power states as the SCMI power protocol encodes them. */
#define VX_PWR_ON	SCMI_POWER_STATE_GENERIC_ON
#define VX_PWR_OFF	SCMI_POWER_STATE_GENERIC_OFF

/*
 * vx_bound - look a protocol up and report whether its presence matches
 * the expectation.  Returns the binding when the protocol's checks should
 * run, NULL otherwise (a result line has then been written).
 */
static struct vx_proto *vx_bound(const char *proto, u8 id, unsigned int expected)
{
	struct vx_proto *p = vx_get(id);

	if (p && expected) {
		vx_pass(vx_n("%s/bound", proto));
		return p;
	}
	if (!p && !expected) {
		vx_skip(vx_n("%s/bound", proto),
			"the default platform has no %s resources", proto);
		return NULL;
	}
	if (!p)
		vx_fail(vx_n("%s/bound", proto),
			"no device for protocol 0x%02x (not in DT or not implemented?)",
			id);
	else
		vx_fail(vx_n("%s/bound", proto),
			"bound but the default platform has no %s resources",
			proto);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Base                                                                 */

/**
 * vx_check_base() - base protocol identity as the core discovered it
 */
void vx_check_base(void)
{
	const struct scmi_handle *h = vx.handle;
	static const u8 ids[] = {
		SCMI_PROTOCOL_POWER, SCMI_PROTOCOL_PERF, SCMI_PROTOCOL_CLOCK,
		SCMI_PROTOCOL_SENSOR, SCMI_PROTOCOL_RESET,
		SCMI_PROTOCOL_VOLTAGE, SCMI_PROTOCOL_POWERCAP,
		SCMI_PROTOCOL_SYSTEM,
	};
	unsigned int i, bound = 0, want = 0;

	VX_STR("base/vendor", h->version->vendor_id, vx_exp.vendor);
	VX_STR("base/sub_vendor", h->version->sub_vendor_id, vx_exp.sub_vendor);
	VX_EQ("base/impl_version", h->version->impl_ver, vx_exp.impl_ver);
	VX_EQ("base/version_major", h->version->major_ver, vx_exp.major);
	VX_EQ("base/version_minor", h->version->minor_ver, vx_exp.minor);
	VX_EQ("base/num_protocols", h->version->num_protocols,
	      vx_exp.num_protocols);
	VX_EQ("base/num_agents", h->version->num_agents, vx_exp.num_agents);

	/* Protocols the core created devices for = implemented and in DT. */
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		bound += !!vx_get(ids[i]);
	want = !!vx_exp.npower + !!vx_exp.nperf + !!vx_exp.nclocks +
	       !!vx_exp.nsensors + !!vx_exp.nresets + !!vx_exp.nvoltage +
	       !!vx_exp.npowercap + vx_exp.has_system;
	VX_EQ("base/protocols_bound", bound, want);
}

/* ------------------------------------------------------------------ */
/* Clock                                                                */

/*
 * Read a clock's rate description: for a discrete clock its rates, for a
 * range clock (min, max, step).  Returns the number of entries or -errno.
 */
static int vx_clock_rates(const struct scmi_clk_proto_ops *ops,
			  const struct scmi_protocol_handle *ph, u32 id,
			  bool *discrete, u64 *rates, unsigned int max)
{
	unsigned int i, n;
#ifdef VX_CLOCK_INLINE_RATES
	const struct scmi_clock_info *ci = ops->info_get(ph, id);

	if (!ci)
		return -ENOENT;
	*discrete = ci->rate_discrete;
	if (ci->rate_discrete) {
		n = ci->list.num_rates;
		for (i = 0; i < n && i < max; i++)
			rates[i] = ci->list.rates[i];
	} else {
		n = 3;
		rates[0] = ci->range.min_rate;
		rates[1] = ci->range.max_rate;
		rates[2] = ci->range.step_size;
	}
#else
	const struct scmi_clock_rates *r = ops->all_rates_get(ph, id);

	if (!r)
		return -ENOENT;
	*discrete = r->rate_discrete;
	n = r->num_rates;
	for (i = 0; i < n && i < max; i++)
		rates[i] = r->rates[i];
#endif
	return n;
}

/* A valid rate of clock @e different from @cur (if it has one). */
static u64 vx_clock_other_rate(const struct vx_exp_clock *e, u64 cur)
{
	if (e->discrete && e->nrates == 1)
		return e->rates[0];
	if (e->discrete)
		return e->rates[0] != cur ? e->rates[0] : e->rates[1];
	return e->rates[0] != cur ? e->rates[0] : e->rates[0] + e->rates[2];
}

/* A rate no clock of @e accepts. */
static u64 vx_clock_bad_rate(const struct vx_exp_clock *e)
{
	if (e->discrete)
		return e->rates[e->nrates - 1] + 1;
	return e->rates[1] + e->rates[2];
}

static void vx_check_one_clock(const struct scmi_clk_proto_ops *ops,
			       const struct scmi_protocol_handle *ph, u32 i,
			       const struct vx_exp_clock *e)
{
	const struct scmi_clock_info *ci;
	u64 rates[VX_MAX_LEVELS], rate = 0, other, got = 0;
	bool discrete = false, en = false, was = false;
	unsigned int k;
	int n, ret;

	ci = ops->info_get(ph, i);
	if (!ci) {
		vx_fail(vx_n("clock/%u/info", i), "info_get returned NULL");
		return;
	}
	VX_STR(vx_n("clock/%u/name", i), ci->name, e->name);
	VX_EQ(vx_n("clock/%u/rate_notify_supported", i),
	      ci->rate_changed_notifications, e->rate_notify);

	n = vx_clock_rates(ops, ph, i, &discrete, rates, ARRAY_SIZE(rates));
	if (n < 0) {
		vx_fail(vx_n("clock/%u/rates", i), "no rate description: %d", n);
	} else if (discrete != e->discrete || n != e->nrates) {
		vx_fail(vx_n("clock/%u/rates", i),
			"%s with %d entries, want %s with %u",
			discrete ? "list" : "range", n,
			e->discrete ? "list" : "range", e->nrates);
	} else {
		for (k = 0; k < e->nrates; k++)
			if (rates[k] != e->rates[k])
				break;
		if (k == e->nrates)
			vx_pass(vx_n("clock/%u/rates", i));
		else
			vx_fail(vx_n("clock/%u/rates", i),
				"entry %u is %llu, want %llu", k, rates[k],
				e->rates[k]);
	}

	ret = ops->rate_get(ph, i, &rate);
	if (ret)
		vx_fail(vx_n("clock/%u/rate_get", i), "returned %d", ret);
	else
		VX_EQ(vx_n("clock/%u/rate_get", i), rate, e->rate);

	/* Set another valid rate, read it back, put the initial one back. */
	other = vx_clock_other_rate(e, e->rate);
	ret = ops->rate_set(ph, i, other);
	if (!ret)
		ret = ops->rate_get(ph, i, &got);
	if (ret)
		vx_fail(vx_n("clock/%u/rate_set", i), "returned %d", ret);
	else
		VX_EQ(vx_n("clock/%u/rate_set", i), got, other);
	ret = ops->rate_set(ph, i, e->rate);
	if (!ret)
		ret = ops->rate_get(ph, i, &got);
	if (ret)
		vx_fail(vx_n("clock/%u/rate_restore", i), "returned %d", ret);
	else
		VX_EQ(vx_n("clock/%u/rate_restore", i), got, e->rate);

	/* A rate outside the clock's description must be refused. */
	ret = ops->rate_set(ph, i, vx_clock_bad_rate(e));
	VX_EQ(vx_n("clock/%u/bad_rate_errno", i), ret, vx_exp.bad_rate_errno);
	ret = ops->rate_get(ph, i, &got);
	if (ret)
		vx_fail(vx_n("clock/%u/rate_after_bad", i), "returned %d", ret);
	else
		VX_EQ(vx_n("clock/%u/rate_after_bad", i), got, e->rate);

	/* Enable/disable, read the state back, restore. */
	ret = ops->state_get(ph, i, &was, false);
	if (ret) {
		vx_fail(vx_n("clock/%u/state_get", i), "returned %d", ret);
		return;
	}
	ret = ops->enable(ph, i, false);
	if (!ret)
		ret = ops->state_get(ph, i, &en, false);
	if (ret)
		vx_fail(vx_n("clock/%u/enable", i), "returned %d", ret);
	else
		VX_EQ(vx_n("clock/%u/enable", i), en, true);
	ret = ops->disable(ph, i, false);
	if (!ret)
		ret = ops->state_get(ph, i, &en, false);
	if (ret)
		vx_fail(vx_n("clock/%u/disable", i), "returned %d", ret);
	else
		VX_EQ(vx_n("clock/%u/disable", i), en, false);
	if (was)
		ops->enable(ph, i, false);
}

/**
 * vx_check_clock() - clock count, names, rates, set/get, enable/disable,
 * errors
 */
void vx_check_clock(void)
{
	const struct scmi_clk_proto_ops *ops;
	struct vx_proto *p;
	unsigned int i;
	u64 rate;
	int n;

	p = vx_bound("clock", SCMI_PROTOCOL_CLOCK, vx_exp.nclocks);
	if (!p)
		return;
	ops = p->ops;
	n = ops->count_get(p->ph);
	VX_EQ("clock/count", n, vx_exp.nclocks);
	for (i = 0; i < vx_exp.nclocks && (int)i < n; i++)
		vx_check_one_clock(ops, p->ph, i, &vx_exp.clocks[i]);

	/* An id past the last clock: the platform answers NOT_FOUND. */
	VX_EQ("clock/bad_id_errno", ops->rate_get(p->ph, vx_exp.nclocks, &rate),
	      -ENOENT);
}

/* ------------------------------------------------------------------ */
/* Power domains                                                        */

/**
 * vx_check_power() - power domain count, names, state set/get
 */
void vx_check_power(void)
{
	const struct scmi_power_proto_ops *ops;
	struct vx_proto *p;
	unsigned int i;
	u32 st, was;
	int n, ret;

	p = vx_bound("power", SCMI_PROTOCOL_POWER, vx_exp.npower);
	if (!p)
		return;
	ops = p->ops;
	n = ops->num_domains_get(p->ph);
	VX_EQ("power/count", n, vx_exp.npower);
	for (i = 0; i < vx_exp.npower && (int)i < n; i++) {
		VX_STR(vx_n("power/%u/name", i), ops->name_get(p->ph, i),
		       vx_exp.power[i].name);
		ret = ops->state_get(p->ph, i, &was);
		if (ret) {
			vx_fail(vx_n("power/%u/state_get", i), "returned %d", ret);
			continue;
		}
		if (was == VX_PWR_ON || was == VX_PWR_OFF)
			vx_pass(vx_n("power/%u/state_get", i));
		else
			vx_fail(vx_n("power/%u/state_get", i),
				"state 0x%x is neither on nor off", was);

		ret = ops->state_set(p->ph, i, VX_PWR_ON);
		if (!ret)
			ret = ops->state_get(p->ph, i, &st);
		if (ret)
			vx_fail(vx_n("power/%u/set_on", i), "returned %d", ret);
		else
			VX_EQ(vx_n("power/%u/set_on", i), st, VX_PWR_ON);
		ret = ops->state_set(p->ph, i, VX_PWR_OFF);
		if (!ret)
			ret = ops->state_get(p->ph, i, &st);
		if (ret)
			vx_fail(vx_n("power/%u/set_off", i), "returned %d", ret);
		else
			VX_EQ(vx_n("power/%u/set_off", i), st, VX_PWR_OFF);
		ops->state_set(p->ph, i, was);
	}
	VX_EQ("power/bad_id_errno", ops->state_get(p->ph, vx_exp.npower, &st),
	      -ENOENT);
}

/* ------------------------------------------------------------------ */
/* Performance domains                                                  */

static void vx_check_perf_opps(const struct scmi_perf_proto_ops *ops,
			       struct vx_proto *p, u32 i,
			       const struct vx_exp_perf *e)
{
	struct device *dev = &p->sdev->dev;
	struct dev_pm_opp *opp;
	unsigned long freq = 0;
	unsigned int k;
	int ret, n;

	ret = ops->device_opps_add(p->ph, dev, i);
	if (ret) {
		vx_fail(vx_n("perf/%u/opps", i), "device_opps_add returned %d",
			ret);
		return;
	}
	n = dev_pm_opp_get_opp_count(dev);
	if (n != (int)e->nopps) {
		vx_fail(vx_n("perf/%u/opps", i), "%d OPPs, want %u", n, e->nopps);
		goto out;
	}
	for (k = 0; k < e->nopps; k++, freq++) {
		opp = dev_pm_opp_find_freq_ceil(dev, &freq);
		if (IS_ERR(opp)) {
			vx_fail(vx_n("perf/%u/opps", i), "OPP %u missing", k);
			goto out;
		}
		ret = dev_pm_opp_get_level(opp);
		dev_pm_opp_put(opp);
		if (freq != e->freqs[k] || ret != (int)e->levels[k]) {
			vx_fail(vx_n("perf/%u/opps", i),
				"OPP %u is level %d at %lu Hz, want %u at %lu",
				k, ret, freq, e->levels[k], e->freqs[k]);
			goto out;
		}
	}
	vx_pass(vx_n("perf/%u/opps", i));
out:
	dev_pm_opp_remove_all_dynamic(dev);
}

static unsigned long vx_perf_freq_of(const struct vx_exp_perf *e, u32 level)
{
	unsigned int k;

	for (k = 0; k < e->nopps; k++)
		if (e->levels[k] == level)
			return e->freqs[k];
	return 0;
}

/**
 * vx_check_perf() - performance domains: names, OPPs, level, limits, freq
 */
void vx_check_perf(void)
{
	const struct scmi_perf_proto_ops *ops;
	const struct scmi_perf_domain_info *di;
	const struct vx_exp_perf *e;
	struct vx_proto *p;
	u32 lvl, other, mx, mn;
	unsigned long freq;
	unsigned int i;
	int n, ret;

	p = vx_bound("perf", SCMI_PROTOCOL_PERF, vx_exp.nperf);
	if (!p)
		return;
	ops = p->ops;
	n = ops->num_domains_get(p->ph);
	VX_EQ("perf/count", n, vx_exp.nperf);
	for (i = 0; i < vx_exp.nperf && (int)i < n; i++) {
		e = &vx_exp.perf[i];
		di = ops->info_get(p->ph, i);
		if (!di) {
			vx_fail(vx_n("perf/%u/name", i), "info_get returned NULL");
			continue;
		}
		VX_STR(vx_n("perf/%u/name", i), di->name, e->name);
		VX_EQ(vx_n("perf/%u/set_perf", i), di->set_perf, e->set_perf);
		/* Virtio has no fast channels: every request is a message. */
		VX_EQ(vx_n("perf/%u/no_fastchannel", i),
		      ops->fast_switch_possible(p->ph, i), false);
		vx_check_perf_opps(ops, p, i, e);

		ret = ops->level_get(p->ph, i, &lvl, false);
		if (ret)
			vx_fail(vx_n("perf/%u/level_get", i), "returned %d", ret);
		else
			VX_EQ(vx_n("perf/%u/level_get", i), lvl, e->level);

		ret = ops->limits_get(p->ph, i, &mx, &mn);
		if (ret)
			vx_fail(vx_n("perf/%u/limits_get", i), "returned %d", ret);
		else if (mx != e->levels[e->nopps - 1] || mn != e->levels[0])
			vx_fail(vx_n("perf/%u/limits_get", i),
				"max %u min %u, want %u %u", mx, mn,
				e->levels[e->nopps - 1], e->levels[0]);
		else
			vx_pass(vx_n("perf/%u/limits_get", i));

		ret = ops->freq_get(p->ph, i, &freq, false);
		if (ret)
			vx_fail(vx_n("perf/%u/freq_get", i), "returned %d", ret);
		else
			VX_EQ(vx_n("perf/%u/freq_get", i), freq,
			      vx_perf_freq_of(e, e->level));

		if (!e->set_perf)
			continue;

		other = e->levels[0] != e->level ? e->levels[0] : e->levels[1];
		ret = ops->level_set(p->ph, i, other, false);
		if (!ret)
			ret = ops->level_get(p->ph, i, &lvl, false);
		if (ret)
			vx_fail(vx_n("perf/%u/level_set", i), "returned %d", ret);
		else
			VX_EQ(vx_n("perf/%u/level_set", i), lvl, other);

		/* Frequency set back to the initial level's frequency. */
		ret = ops->freq_set(p->ph, i, vx_perf_freq_of(e, e->level), false);
		if (!ret)
			ret = ops->level_get(p->ph, i, &lvl, false);
		if (ret)
			vx_fail(vx_n("perf/%u/freq_set", i), "returned %d", ret);
		else
			VX_EQ(vx_n("perf/%u/freq_set", i), lvl, e->level);

		/* Narrow the limits around the current level, then widen. */
		ret = ops->limits_set(p->ph, i, e->level, e->levels[0]);
		if (!ret)
			ret = ops->limits_get(p->ph, i, &mx, &mn);
		if (ret)
			vx_fail(vx_n("perf/%u/limits_set", i), "returned %d", ret);
		else if (mx != e->level || mn != e->levels[0])
			vx_fail(vx_n("perf/%u/limits_set", i),
				"max %u min %u, want %u %u", mx, mn, e->level,
				e->levels[0]);
		else
			vx_pass(vx_n("perf/%u/limits_set", i));
		ret = ops->limits_set(p->ph, i, e->levels[e->nopps - 1],
				      e->levels[0]);
		VX_RET(vx_n("perf/%u/limits_restore", i), ret);
	}
}

/* ------------------------------------------------------------------ */
/* Sensors                                                              */

static void vx_check_one_sensor(const struct scmi_sensor_proto_ops *ops,
				const struct scmi_protocol_handle *ph, u32 i,
				const struct vx_exp_sensor *e)
{
	const struct scmi_sensor_info *si;
	struct scmi_sensor_reading rd;
	u64 v1 = 0, v2 = 0;
	unsigned int k;
	u32 cfg, cfg2;
	int ret;

	si = ops->info_get(ph, i);
	if (!si) {
		vx_fail(vx_n("sensor/%u/info", i), "info_get returned NULL");
		return;
	}
	VX_STR(vx_n("sensor/%u/name", i), si->name, e->name);
	VX_EQ(vx_n("sensor/%u/type", i), si->type, e->type);
	VX_EQ(vx_n("sensor/%u/scale", i), si->scale, e->scale);
	VX_EQ(vx_n("sensor/%u/trip_points", i), si->num_trip_points, e->ntrips);
	VX_EQ(vx_n("sensor/%u/async", i), si->async, e->async);
	VX_EQ(vx_n("sensor/%u/update_notify", i), si->update, e->update);

	ret = ops->reading_get(ph, i, &v1);
	if (ret)
		vx_fail(vx_n("sensor/%u/read", i), "returned %d", ret);
	else if ((s64)v1 < e->min || (s64)v1 > e->max)
		vx_fail(vx_n("sensor/%u/read", i), "%lld outside [%lld, %lld]",
			(s64)v1, e->min, e->max);
	else
		vx_pass(vx_n("sensor/%u/read", i));

	if (e->varies) {
		/* The platform's signal changes over time; look for a change. */
		for (k = 0; k < 20; k++) {
			msleep(50);
			ret = ops->reading_get(ph, i, &v2);
			if (ret || v2 != v1)
				break;
		}
		if (ret)
			vx_fail(vx_n("sensor/%u/varies", i), "returned %d", ret);
		else if (v2 == v1)
			vx_fail(vx_n("sensor/%u/varies", i),
				"stuck at %lld for 1 s", (s64)v1);
		else if ((s64)v2 < e->min || (s64)v2 > e->max)
			vx_fail(vx_n("sensor/%u/varies", i),
				"%lld outside [%lld, %lld]", (s64)v2, e->min,
				e->max);
		else
			vx_pass(vx_n("sensor/%u/varies", i));
	}

	memset(&rd, 0, sizeof(rd));
	ret = ops->reading_get_timestamped(ph, i, 1, &rd);
	if (ret)
		vx_fail(vx_n("sensor/%u/read_timestamped", i), "returned %d",
			ret);
	else if (rd.value < e->min || rd.value > e->max)
		vx_fail(vx_n("sensor/%u/read_timestamped", i),
			"%lld outside [%lld, %lld]", rd.value, e->min, e->max);
	else
		vx_pass(vx_n("sensor/%u/read_timestamped", i));

	/* Disable the sensor, read the configuration back, enable again. */
	ret = ops->config_get(ph, i, &cfg);
	if (ret) {
		vx_fail(vx_n("sensor/%u/config", i), "config_get returned %d",
			ret);
	} else {
		cfg2 = cfg & ~SCMI_SENS_CFG_SENSOR_ENABLED_MASK;
		ret = ops->config_set(ph, i, cfg2);
		if (!ret)
			ret = ops->config_get(ph, i, &cfg2);
		if (ret)
			vx_fail(vx_n("sensor/%u/config", i), "returned %d", ret);
		else
			VX_EQ(vx_n("sensor/%u/config", i),
			      SCMI_SENS_CFG_IS_ENABLED(cfg2), 0);
		ret = ops->config_set(ph, i, cfg | SCMI_SENS_CFG_SENSOR_ENABLED_MASK);
		if (!ret)
			ret = ops->config_get(ph, i, &cfg2);
		if (ret)
			vx_fail(vx_n("sensor/%u/config_enable", i), "returned %d",
				ret);
		else
			VX_EQ(vx_n("sensor/%u/config_enable", i),
			      SCMI_SENS_CFG_IS_ENABLED(cfg2), 1);
	}

	if (e->ntrips) {
		/* Trip point 0 at the top of the range, event on crossing. */
		ret = ops->trip_point_config(ph, i, 0, e->max);
		VX_RET(vx_n("sensor/%u/trip_config", i), ret);
		ret = ops->trip_point_config(ph, i, e->ntrips, e->max);
		if (ret)
			vx_pass(vx_n("sensor/%u/trip_bad_id", i));
		else
			vx_fail(vx_n("sensor/%u/trip_bad_id", i),
				"trip point %u accepted", e->ntrips);
	}
}

/**
 * vx_check_sensor() - sensor descriptions, readings (sync and async),
 * configuration and trip points
 */
void vx_check_sensor(void)
{
	const struct scmi_sensor_proto_ops *ops;
	struct vx_proto *p;
	unsigned int i;
	u64 v;
	int n;

	p = vx_bound("sensor", SCMI_PROTOCOL_SENSOR, vx_exp.nsensors);
	if (!p)
		return;
	ops = p->ops;
	n = ops->count_get(p->ph);
	VX_EQ("sensor/count", n, vx_exp.nsensors);
	for (i = 0; i < vx_exp.nsensors && (int)i < n; i++)
		vx_check_one_sensor(ops, p->ph, i, &vx_exp.sensors[i]);
	VX_EQ("sensor/bad_id_errno", ops->reading_get(p->ph, n, &v), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* Reset domains                                                        */

/**
 * vx_check_reset() - reset domain names, latency, assert/deassert/reset
 */
void vx_check_reset(void)
{
	const struct scmi_reset_proto_ops *ops;
	struct vx_proto *p;
	unsigned int i;
	int n;

	p = vx_bound("reset", SCMI_PROTOCOL_RESET, vx_exp.nresets);
	if (!p)
		return;
	ops = p->ops;
	n = ops->num_domains_get(p->ph);
	VX_EQ("reset/count", n, vx_exp.nresets);
	for (i = 0; i < vx_exp.nresets && (int)i < n; i++) {
		VX_STR(vx_n("reset/%u/name", i), ops->name_get(p->ph, i),
		       vx_exp.resets[i].name);
		VX_EQ(vx_n("reset/%u/latency", i), ops->latency_get(p->ph, i),
		      vx_exp.resets[i].latency_us);
		VX_RET(vx_n("reset/%u/assert", i), ops->assert(p->ph, i));
		VX_RET(vx_n("reset/%u/deassert", i), ops->deassert(p->ph, i));
		VX_RET(vx_n("reset/%u/reset", i), ops->reset(p->ph, i));
	}
	VX_EQ("reset/bad_id_errno", ops->reset(p->ph, n), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* Voltage domains                                                      */

static int vx_voltage_other(const struct vx_exp_voltage *e)
{
	if (e->segmented)
		return e->level != e->levels[0] ? e->levels[0] :
		       e->levels[0] + e->levels[2];
	return e->level != e->levels[0] ? e->levels[0] : e->levels[1];
}

/**
 * vx_check_voltage() - voltage domain names, levels, config, level set/get
 */
void vx_check_voltage(void)
{
	const struct scmi_voltage_proto_ops *ops;
	const struct scmi_voltage_info *vi;
	const struct vx_exp_voltage *e;
	struct vx_proto *p;
	unsigned int i, k;
	s32 uv;
	u32 cfg;
	int n, ret, other;

	p = vx_bound("voltage", SCMI_PROTOCOL_VOLTAGE, vx_exp.nvoltage);
	if (!p)
		return;
	ops = p->ops;
	n = ops->num_domains_get(p->ph);
	VX_EQ("voltage/count", n, vx_exp.nvoltage);
	for (i = 0; i < vx_exp.nvoltage && (int)i < n; i++) {
		e = &vx_exp.voltage[i];
		vi = ops->info_get(p->ph, i);
		if (!vi) {
			vx_fail(vx_n("voltage/%u/info", i), "info_get returned NULL");
			continue;
		}
		VX_STR(vx_n("voltage/%u/name", i), vi->name, e->name);
		VX_EQ(vx_n("voltage/%u/async", i), vi->async_level_set, e->async);
		if (vi->segmented != e->segmented || vi->num_levels != e->nlevels) {
			vx_fail(vx_n("voltage/%u/levels", i),
				"%s with %u entries, want %s with %u",
				vi->segmented ? "segment" : "list", vi->num_levels,
				e->segmented ? "segment" : "list", e->nlevels);
		} else {
			for (k = 0; k < e->nlevels; k++)
				if (vi->levels_uv[k] != e->levels[k])
					break;
			if (k == e->nlevels)
				vx_pass(vx_n("voltage/%u/levels", i));
			else
				vx_fail(vx_n("voltage/%u/levels", i),
					"entry %u is %d, want %d", k,
					vi->levels_uv[k], e->levels[k]);
		}

		ret = ops->level_get(p->ph, i, &uv);
		if (ret)
			vx_fail(vx_n("voltage/%u/level_get", i), "returned %d", ret);
		else
			VX_EQ(vx_n("voltage/%u/level_get", i), uv, e->level);

		other = vx_voltage_other(e);
		ret = ops->level_set(p->ph, i, SCMI_VOLTAGE_LEVEL_SET_SYNC, other);
		if (!ret)
			ret = ops->level_get(p->ph, i, &uv);
		if (ret)
			vx_fail(vx_n("voltage/%u/level_set", i), "returned %d", ret);
		else
			VX_EQ(vx_n("voltage/%u/level_set", i), uv, other);
		ret = ops->level_set(p->ph, i, SCMI_VOLTAGE_LEVEL_SET_SYNC,
				     e->level);
		if (!ret)
			ret = ops->level_get(p->ph, i, &uv);
		if (ret)
			vx_fail(vx_n("voltage/%u/level_restore", i), "returned %d",
				ret);
		else
			VX_EQ(vx_n("voltage/%u/level_restore", i), uv, e->level);

		ret = ops->config_get(p->ph, i, &cfg);
		if (ret)
			vx_fail(vx_n("voltage/%u/config_get", i), "returned %d", ret);
		else
			VX_EQ(vx_n("voltage/%u/config_get", i), cfg,
			      e->enabled ? SCMI_VOLTAGE_ARCH_STATE_ON :
			      SCMI_VOLTAGE_ARCH_STATE_OFF);
		ret = ops->config_set(p->ph, i, SCMI_VOLTAGE_ARCH_STATE_OFF);
		if (!ret)
			ret = ops->config_get(p->ph, i, &cfg);
		if (ret)
			vx_fail(vx_n("voltage/%u/config_off", i), "returned %d", ret);
		else
			VX_EQ(vx_n("voltage/%u/config_off", i), cfg,
			      SCMI_VOLTAGE_ARCH_STATE_OFF);
		ret = ops->config_set(p->ph, i, SCMI_VOLTAGE_ARCH_STATE_ON);
		if (!ret)
			ret = ops->config_get(p->ph, i, &cfg);
		if (ret)
			vx_fail(vx_n("voltage/%u/config_on", i), "returned %d", ret);
		else
			VX_EQ(vx_n("voltage/%u/config_on", i), cfg,
			      SCMI_VOLTAGE_ARCH_STATE_ON);
		if (!e->enabled)
			ops->config_set(p->ph, i, SCMI_VOLTAGE_ARCH_STATE_OFF);
	}
}

/* ------------------------------------------------------------------ */
/* Powercap                                                             */

/**
 * vx_check_powercap() - powercap zones: description, cap, PAI, enable,
 * measurements
 */
void vx_check_powercap(void)
{
	const struct scmi_powercap_proto_ops *ops;
	const struct scmi_powercap_info *pi;
	const struct vx_exp_powercap *e;
	struct vx_proto *p;
	u32 v, other, pwr, pai;
	bool en;
	unsigned int i;
	int n, ret;

	p = vx_bound("powercap", SCMI_PROTOCOL_POWERCAP, vx_exp.npowercap);
	if (!p)
		return;
	ops = p->ops;
	n = ops->num_domains_get(p->ph);
	VX_EQ("powercap/count", n, vx_exp.npowercap);
	for (i = 0; i < vx_exp.npowercap && (int)i < n; i++) {
		e = &vx_exp.powercap[i];
		pi = ops->info_get(p->ph, i);
		if (!pi) {
			vx_fail(vx_n("powercap/%u/info", i), "info_get returned NULL");
			continue;
		}
		VX_STR(vx_n("powercap/%u/name", i), pi->name, e->name);
		if (pi->min_power_cap != e->min_cap ||
		    pi->max_power_cap != e->max_cap ||
		    pi->power_cap_step != e->cap_step)
			vx_fail(vx_n("powercap/%u/cap_range", i),
				"%u..%u step %u, want %u..%u step %u",
				pi->min_power_cap, pi->max_power_cap,
				pi->power_cap_step, e->min_cap, e->max_cap,
				e->cap_step);
		else
			vx_pass(vx_n("powercap/%u/cap_range", i));
		if (pi->min_pai != e->min_pai || pi->max_pai != e->max_pai ||
		    pi->pai_step != e->pai_step)
			vx_fail(vx_n("powercap/%u/pai_range", i),
				"%u..%u step %u, want %u..%u step %u",
				pi->min_pai, pi->max_pai, pi->pai_step,
				e->min_pai, e->max_pai, e->pai_step);
		else
			vx_pass(vx_n("powercap/%u/pai_range", i));
		VX_EQ(vx_n("powercap/%u/async", i), pi->async_powercap_cap_set,
		      e->async);
		VX_EQ(vx_n("powercap/%u/scale_uw", i), pi->powercap_scale_uw,
		      e->scale_uw);
		VX_EQ(vx_n("powercap/%u/scale_mw", i), pi->powercap_scale_mw,
		      e->scale_mw);

		ret = ops->cap_get(p->ph, i, &v);
		if (ret)
			vx_fail(vx_n("powercap/%u/cap_get", i), "returned %d", ret);
		else
			VX_EQ(vx_n("powercap/%u/cap_get", i), v, e->cap);
		ret = ops->cap_enable_get(p->ph, i, &en);
		if (ret)
			vx_fail(vx_n("powercap/%u/enabled", i), "returned %d", ret);
		else
			VX_EQ(vx_n("powercap/%u/enabled", i), en, e->cap != 0);

		other = e->min_cap;
		if (e->cap) {
			/* Enabled zone: set, read back, restore. */
			ret = ops->cap_set(p->ph, i, other, false);
			if (!ret)
				ret = ops->cap_get(p->ph, i, &v);
			if (ret)
				vx_fail(vx_n("powercap/%u/cap_set", i), "returned %d",
					ret);
			else
				VX_EQ(vx_n("powercap/%u/cap_set", i), v, other);
			ret = ops->cap_set(p->ph, i, e->cap, false);
			if (!ret)
				ret = ops->cap_get(p->ph, i, &v);
			if (ret)
				vx_fail(vx_n("powercap/%u/cap_restore", i),
					"returned %d", ret);
			else
				VX_EQ(vx_n("powercap/%u/cap_restore", i), v, e->cap);
			/* Disable (cap 0 on the platform), enable again. */
			ret = ops->cap_enable_set(p->ph, i, false);
			if (!ret)
				ret = ops->cap_get(p->ph, i, &v);
			if (ret)
				vx_fail(vx_n("powercap/%u/disable", i), "returned %d",
					ret);
			else
				VX_EQ(vx_n("powercap/%u/disable", i), v, 0);
			ret = ops->cap_enable_set(p->ph, i, true);
			if (!ret)
				ret = ops->cap_get(p->ph, i, &v);
			if (ret)
				vx_fail(vx_n("powercap/%u/reenable", i), "returned %d",
					ret);
			else
				VX_EQ(vx_n("powercap/%u/reenable", i), v, e->cap);
			/* Above the largest cap: refused, cap unchanged. */
			ret = ops->cap_set(p->ph, i, e->max_cap + e->cap_step,
					   false);
			if (!ret)
				vx_fail(vx_n("powercap/%u/cap_out_of_range", i),
					"cap %u accepted", e->max_cap + e->cap_step);
			else if (ops->cap_get(p->ph, i, &v) || v != e->cap)
				vx_fail(vx_n("powercap/%u/cap_out_of_range", i),
					"cap changed to %u", v);
			else
				vx_pass(vx_n("powercap/%u/cap_out_of_range", i));
		} else {
			/*
			 * Disabled zone: a cap set is only remembered by the
			 * core; enabling applies it, disabling clears it.
			 */
			ret = ops->cap_set(p->ph, i, other, false);
			if (!ret)
				ret = ops->cap_get(p->ph, i, &v);
			if (ret)
				vx_fail(vx_n("powercap/%u/cap_set_disabled", i),
					"returned %d", ret);
			else
				VX_EQ(vx_n("powercap/%u/cap_set_disabled", i), v, 0);
			ret = ops->cap_enable_set(p->ph, i, true);
			if (!ret)
				ret = ops->cap_get(p->ph, i, &v);
			if (ret)
				vx_fail(vx_n("powercap/%u/enable", i), "returned %d",
					ret);
			else
				VX_EQ(vx_n("powercap/%u/enable", i), v, other);
			ret = ops->cap_enable_set(p->ph, i, false);
			if (!ret)
				ret = ops->cap_get(p->ph, i, &v);
			if (ret)
				vx_fail(vx_n("powercap/%u/disable", i), "returned %d",
					ret);
			else
				VX_EQ(vx_n("powercap/%u/disable", i), v, 0);
		}

		ret = ops->pai_get(p->ph, i, &v);
		if (ret)
			vx_fail(vx_n("powercap/%u/pai_get", i), "returned %d", ret);
		else
			VX_EQ(vx_n("powercap/%u/pai_get", i), v, e->pai);
		if (!e->pai_step) {
			/* A fixed PAI is not configurable at all. */
			ret = ops->pai_set(p->ph, i, e->pai);
			if (!ret)
				vx_fail(vx_n("powercap/%u/pai_fixed", i),
					"PAI set accepted on a fixed-PAI zone");
			else
				vx_pass(vx_n("powercap/%u/pai_fixed", i));
		} else {
			other = e->pai != e->min_pai ? e->min_pai :
				e->min_pai + e->pai_step;
			ret = ops->pai_set(p->ph, i, other);
			if (!ret)
				ret = ops->pai_get(p->ph, i, &v);
			if (ret)
				vx_fail(vx_n("powercap/%u/pai_set", i), "returned %d",
					ret);
			else
				VX_EQ(vx_n("powercap/%u/pai_set", i), v, other);
			ops->pai_set(p->ph, i, e->pai);
		}

		ret = ops->measurements_get(p->ph, i, &pwr, &pai);
		if (ret)
			vx_fail(vx_n("powercap/%u/measure", i), "returned %d", ret);
		else if (pai != e->pai)
			vx_fail(vx_n("powercap/%u/measure", i), "pai %u, want %u",
				pai, e->pai);
		else if (pwr < e->power_min || pwr > e->power_max)
			vx_fail(vx_n("powercap/%u/measure", i),
				"power %u outside [%u, %u]", pwr, e->power_min,
				e->power_max);
		else
			vx_pass(vx_n("powercap/%u/measure", i));
	}
}

/**
 * vx_check_system() - the system power protocol can be acquired
 */
void vx_check_system(void)
{
	/* No operations exist for it; binding is devm_protocol_acquire(). */
	vx_bound("system", SCMI_PROTOCOL_SYSTEM, vx_exp.has_system);
}

/* ------------------------------------------------------------------ */
/* Delayed responses                                                    */

/**
 * vx_check_async() - commands answered by delayed responses
 *
 * The core uses the asynchronous form on its own when the platform
 * advertises it: clock rate set (clock protocol attributes), sensor reads
 * (sensor attributes), autonomous reset, voltage level set in auto mode,
 * powercap cap set.  The platform holds each delayed response for
 * dresp_ms (module parameter), so the call must take at least that long: that
 * is the evidence the delayed response path was used.
 */
void vx_check_async(void)
{
	unsigned int delay = dresp_ms, i, expected = 0;
	struct vx_proto *p;
	u64 t0, dt, rate, v;
	int ret;

#define VX_TIMED(name, call, check) do {				\
	t0 = ktime_get_ns();						\
	ret = (call);							\
	dt = ktime_get_ns() - t0;					\
	if (ret)							\
		vx_fail(name, "returned %d", ret);			\
	else if (dt < (u64)delay * NSEC_PER_MSEC)			\
		vx_fail(name, "took %llu us, delayed response held %u ms", \
			dt / 1000, delay);				\
	else if (!(check))						\
		vx_fail(name, "wrong value after the delayed response"); \
	else								\
		vx_pass(name);						\
	vx_line("# %s: %llu us", name, dt / 1000);			\
} while (0)

	p = vx_get(SCMI_PROTOCOL_CLOCK);
	if (!p || !vx_exp.clock_async) {
		vx_skip("async/clock_rate_set", "no asynchronous clock");
	} else {
		const struct scmi_clk_proto_ops *ops = p->ops;
		const struct vx_exp_clock *e = &vx_exp.clocks[0];
		u64 other = vx_clock_other_rate(e, e->rate);

		VX_TIMED("async/clock_rate_set", ops->rate_set(p->ph, 0, other),
			 !ops->rate_get(p->ph, 0, &rate) && rate == other);
		ret = ops->rate_set(p->ph, 0, e->rate);
		VX_RET("async/clock_rate_restore", ret);
		expected += 2;
	}

	p = vx_get(SCMI_PROTOCOL_SENSOR);
	for (i = 0; p && i < vx_exp.nsensors; i++)
		if (vx_exp.sensors[i].async)
			break;
	if (!p || i == vx_exp.nsensors) {
		vx_skip("async/sensor_read", "no asynchronous sensor");
	} else {
		const struct scmi_sensor_proto_ops *ops = p->ops;
		const struct vx_exp_sensor *e = &vx_exp.sensors[i];

		v = 0;
		VX_TIMED("async/sensor_read", ops->reading_get(p->ph, i, &v),
			 (s64)v >= e->min && (s64)v <= e->max);
		expected++;
	}

	p = vx_get(SCMI_PROTOCOL_RESET);
	for (i = 0; p && i < vx_exp.nresets; i++)
		if (vx_exp.resets[i].async)
			break;
	if (!p || i == vx_exp.nresets) {
		vx_skip("async/reset", "no asynchronous reset domain");
	} else {
		const struct scmi_reset_proto_ops *ops = p->ops;

		VX_TIMED("async/reset", ops->reset(p->ph, i), true);
		expected++;
	}

	p = vx_get(SCMI_PROTOCOL_VOLTAGE);
	for (i = 0; p && i < vx_exp.nvoltage; i++)
		if (vx_exp.voltage[i].async)
			break;
	if (!p || i == vx_exp.nvoltage) {
		vx_skip("async/voltage_level_set", "no asynchronous voltage domain");
	} else {
		const struct scmi_voltage_proto_ops *ops = p->ops;
		const struct vx_exp_voltage *e = &vx_exp.voltage[i];
		int other = vx_voltage_other(e);
		s32 uv;

		VX_TIMED("async/voltage_level_set",
			 ops->level_set(p->ph, i, SCMI_VOLTAGE_LEVEL_SET_AUTO, other),
			 !ops->level_get(p->ph, i, &uv) && uv == other);
		ret = ops->level_set(p->ph, i, SCMI_VOLTAGE_LEVEL_SET_SYNC,
				     e->level);
		VX_RET("async/voltage_level_restore", ret);
		expected++;
	}

	p = vx_get(SCMI_PROTOCOL_POWERCAP);
	for (i = 0; p && i < vx_exp.npowercap; i++)
		if (vx_exp.powercap[i].async)
			break;
	if (!p || i == vx_exp.npowercap) {
		vx_skip("async/powercap_cap_set", "no asynchronous powercap zone");
	} else {
		const struct scmi_powercap_proto_ops *ops = p->ops;
		const struct vx_exp_powercap *e = &vx_exp.powercap[i];
		u32 other = e->cap != e->min_cap ? e->min_cap :
			    e->min_cap + e->cap_step, c;

		VX_TIMED("async/powercap_cap_set",
			 ops->cap_set(p->ph, i, other, false),
			 !ops->cap_get(p->ph, i, &c) && c == other);
		ret = ops->cap_set(p->ph, i, e->cap, false);
		VX_RET("async/powercap_cap_restore", ret);
		expected += 2;
	}
#undef VX_TIMED
	/* The guest suite compares this with the platform's counter. */
	vx_line("# async: delayed_responses_expected=%u", expected);
}

/* ------------------------------------------------------------------ */
/* Notifications                                                        */

/**
 * struct vx_notif - one registered notifier and what it received
 * @nb: the notifier block given to the core
 * @wq: woken on every delivery
 * @count: deliveries
 * @proto: protocol id
 * @evt: event id
 * @src: source id (domain, clock, sensor ...)
 * @id: source id in the last report
 * @value: main value of the last report (rate, level, state, reading ...)
 * @agent: agent id of the last report
 */
struct vx_notif {
	struct notifier_block nb;
	wait_queue_head_t wq;
	atomic_t count;
	u8 proto;
	u8 evt;
	u32 src;
	u32 id;
	u64 value;
	u32 agent;
};

static int vx_notif_cb(struct notifier_block *nb, unsigned long evt,
		       void *report)
{
	struct vx_notif *n = container_of(nb, struct vx_notif, nb);

	switch (n->proto) {
	case SCMI_PROTOCOL_CLOCK: {
		const struct scmi_clock_rate_notif_report *r = report;

		n->agent = r->agent_id;
		n->id = r->clock_id;
		n->value = r->rate;
		break;
	}
	case SCMI_PROTOCOL_PERF:
		if (evt == SCMI_EVENT_PERFORMANCE_LEVEL_CHANGED) {
			const struct scmi_perf_level_report *r = report;

			n->agent = r->agent_id;
			n->id = r->domain_id;
			n->value = r->performance_level;
		} else {
			const struct scmi_perf_limits_report *r = report;

			n->agent = r->agent_id;
			n->id = r->domain_id;
			n->value = r->range_max;
		}
		break;
	case SCMI_PROTOCOL_POWER: {
		const struct scmi_power_state_changed_report *r = report;

		n->agent = r->agent_id;
		n->id = r->domain_id;
		n->value = r->power_state;
		break;
	}
	case SCMI_PROTOCOL_SENSOR:
		if (evt == SCMI_EVENT_SENSOR_UPDATE) {
			const struct scmi_sensor_update_report *r = report;

			n->agent = r->agent_id;
			n->id = r->sensor_id;
			n->value = r->readings_count ? r->readings[0].value : 0;
		} else {
			const struct scmi_sensor_trip_point_report *r = report;

			n->agent = r->agent_id;
			n->id = r->sensor_id;
			n->value = r->trip_point_desc;
		}
		break;
	case SCMI_PROTOCOL_POWERCAP: {
		const struct scmi_powercap_cap_changed_report *r = report;

		n->agent = r->agent_id;
		n->id = r->domain_id;
		n->value = r->power_cap;
		break;
	}
	case SCMI_PROTOCOL_RESET: {
		const struct scmi_reset_issued_report *r = report;

		n->agent = r->agent_id;
		n->id = r->domain_id;
		n->value = r->reset_state;
		break;
	}
	}
	/* Publish the report fields before the count the waiter polls. */
	smp_mb__before_atomic();
	atomic_inc(&n->count);
	wake_up(&n->wq);
	return NOTIFY_OK;
}

/*
 * Allocate a report collector for (@proto, @evt, @src) and register it with
 * the core; reports "<name>/register".  Returns NULL (after reporting) when
 * it could not be registered; the caller then has nothing to free.
 */
static struct vx_notif *vx_notif_register(const char *name, u8 proto, u8 evt,
					  u32 src)
{
	const struct scmi_notify_ops *no = vx.handle->notify_ops;
	struct vx_notif *n;
	int ret;

	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n) {
		vx_fail(name, "no memory");
		return NULL;
	}
	n->nb.notifier_call = vx_notif_cb;
	init_waitqueue_head(&n->wq);
	n->proto = proto;
	n->evt = evt;
	n->src = src;

	ret = no->event_notifier_register(vx.handle, proto, evt, &n->src, &n->nb);
	if (!VX_RET(vx_n("%s/register", name), ret)) {
		kfree(n);
		return NULL;
	}
	return n;
}

/*
 * After unregistering: wait @ms and report "<name>/silent_after_unregister"
 * failed if the count moved from @before.
 */
static void vx_notif_expect_silent(const char *name, struct vx_notif *n,
				   int before, unsigned int ms)
{
	int c;

	msleep(ms);
	c = atomic_read(&n->count);
	if (c != before)
		vx_fail(vx_n("%s/silent_after_unregister", name),
			"%d reports after unregistering", c - before);
	else
		vx_pass(vx_n("%s/silent_after_unregister", name));
}

/*
 * One notification round trip: register, trigger, expect exactly one
 * report with the right source and value, unregister, trigger again and
 * expect nothing.  @trigger(@arg, second) causes the event; @second tells
 * it to undo its first change.
 */
static unsigned int vx_notify_expected;

static void vx_notify_case(const char *name, u8 proto, u8 evt, u32 src,
			   int (*trigger)(void *arg, bool second), void *arg,
			   u64 want)
{
	const struct scmi_notify_ops *no = vx.handle->notify_ops;
	struct vx_notif *n;
	int ret, c;

	n = vx_notif_register(name, proto, evt, src);
	if (!n)
		return;

	ret = trigger(arg, false);
	if (ret) {
		vx_fail(vx_n("%s/trigger", name), "returned %d", ret);
		goto unreg;
	}
	vx_notify_expected++;
	if (!wait_event_timeout(n->wq, atomic_read(&n->count) > 0,
				msecs_to_jiffies(3000))) {
		vx_fail(vx_n("%s/receive", name), "nothing within 3 s");
		goto unreg;
	}
	/* Leave time for a duplicate to show up. */
	msleep(200);
	/* Pairs with the barrier before the count increment in the callback. */
	smp_rmb();
	c = atomic_read(&n->count);
	if (c != 1)
		vx_fail(vx_n("%s/receive", name), "%d reports, want 1", c);
	else if (n->id != src)
		vx_fail(vx_n("%s/receive", name), "source %u, want %u", n->id, src);
	else if (n->value != want)
		vx_fail(vx_n("%s/receive", name), "value %llu, want %llu",
			n->value, want);
	else
		vx_pass(vx_n("%s/receive", name));

unreg:
	ret = no->event_notifier_unregister(vx.handle, proto, evt, &n->src,
					    &n->nb);
	if (!VX_RET(vx_n("%s/unregister", name), ret))
		return;	/* still registered: the core may call it, never free */
	c = atomic_read(&n->count);
	ret = trigger(arg, true);
	if (ret) {
		vx_fail(vx_n("%s/silent_after_unregister", name),
			"trigger returned %d", ret);
		goto out;
	}
	vx_notif_expect_silent(name, n, c, 300);
out:
	kfree(n);
}

/*
 * A periodic or platform-timed event: register, expect at least one report
 * within @wait_ms with the right source and a value in [@min, @max],
 * unregister, and (if @quiet_ms) expect silence for @quiet_ms.  Adds the
 * number received to vx_notify_periodic.
 */
static unsigned int vx_notify_periodic;

static void vx_notify_timed(const char *name, u8 proto, u8 evt, u32 src,
			    s64 min, s64 max, unsigned int wait_ms,
			    unsigned int quiet_ms, int (*arm)(u32 src))
{
	const struct scmi_notify_ops *no = vx.handle->notify_ops;
	struct vx_notif *n;
	int ret, c;

	n = vx_notif_register(name, proto, evt, src);
	if (!n)
		return;
	if (arm) {
		ret = arm(src);
		if (ret)
			vx_fail(vx_n("%s/arm", name), "returned %d", ret);
	}
	if (!wait_event_timeout(n->wq, atomic_read(&n->count) > 0,
				msecs_to_jiffies(wait_ms))) {
		vx_fail(vx_n("%s/receive", name), "nothing within %u ms", wait_ms);
	} else {
		/* Pairs with the barrier before the count increment. */
		smp_rmb();
		if (n->id != src)
			vx_fail(vx_n("%s/receive", name), "source %u, want %u",
				n->id, src);
		else if ((s64)n->value < min || (s64)n->value > max)
			vx_fail(vx_n("%s/receive", name),
				"value %lld outside [%lld, %lld]", (s64)n->value,
				min, max);
		else
			vx_pass(vx_n("%s/receive", name));
	}
	ret = no->event_notifier_unregister(vx.handle, proto, evt, &n->src,
					    &n->nb);
	c = atomic_read(&n->count);
	vx_notify_periodic += c;
	if (!VX_RET(vx_n("%s/unregister", name), ret))
		return;	/* still registered: never free it */
	if (quiet_ms)
		vx_notif_expect_silent(name, n, c, quiet_ms);
	vx_line("# %s: %d reports", name, c);
	kfree(n);
}

/*
 * Continuous updates need the sensor enabled with a short update interval.
 * Set both here instead of relying on the state earlier checks left: the
 * sensor check disables and re-enables the sensor with the configuration
 * it read, and after a fuzzed read that may carry a 5 s interval (or the
 * re-enable may have failed), which the 3 s wait below would then miss.
 */
static int vx_arm_update(u32 src)
{
	struct vx_proto *p = vx_get(SCMI_PROTOCOL_SENSOR);
	const struct scmi_sensor_proto_ops *ops = p->ops;
	u32 cfg = FIELD_PREP(SCMI_SENS_CFG_UPDATE_SECS_MASK, 1) |
		  SCMI_SENS_CFG_SENSOR_ENABLED_MASK;

	return ops->config_set(p->ph, src, cfg);
}

/* Trip point 0 of a sensor at the middle of its range, both directions. */
static int vx_arm_trip(u32 src)
{
	struct vx_proto *p = vx_get(SCMI_PROTOCOL_SENSOR);
	const struct scmi_sensor_proto_ops *ops = p->ops;
	const struct vx_exp_sensor *e = &vx_exp.sensors[src];

	return ops->trip_point_config(p->ph, src, 0, (e->min + e->max) / 2);
}

static int vx_trig_clock(void *arg, bool second)
{
	struct vx_proto *p = vx_get(SCMI_PROTOCOL_CLOCK);
	const struct scmi_clk_proto_ops *ops = p->ops;
	const struct vx_exp_clock *e = arg;

	return ops->rate_set(p->ph, 0, second ? e->rate :
			     vx_clock_other_rate(e, e->rate));
}

static int vx_trig_perf(void *arg, bool second)
{
	struct vx_proto *p = vx_get(SCMI_PROTOCOL_PERF);
	const struct scmi_perf_proto_ops *ops = p->ops;
	const struct vx_exp_perf *e = arg;
	u32 other = e->levels[0] != e->level ? e->levels[0] : e->levels[1];

	return ops->level_set(p->ph, 0, second ? e->level : other, false);
}

static int vx_trig_power(void *arg, bool second)
{
	struct vx_proto *p = vx_get(SCMI_PROTOCOL_POWER);
	const struct scmi_power_proto_ops *ops = p->ops;
	u32 *was = arg;

	if (second)
		return ops->state_set(p->ph, 0, *was);
	return ops->state_set(p->ph, 0, *was == VX_PWR_ON ? VX_PWR_OFF :
			      VX_PWR_ON);
}

/**
 * vx_check_notify() - notification enable, delivery and disable
 *
 * The events are caused from the guest itself (a rate, level or power
 * state change); the platform reports every change of a resource whose
 * notifications are enabled, including changes the agent asked for.
 */
void vx_check_notify(void)
{
	struct vx_proto *p;
	unsigned int i;
	u32 was;

	if (!vx.handle->notify_ops) {
		vx_fail("notify/ops", "core has no notification support");
		return;
	}
	vx_notify_expected = 0;

	p = vx_get(SCMI_PROTOCOL_CLOCK);
	if (!p || !vx_exp.nclocks || !vx_exp.clocks[0].rate_notify)
		vx_skip("notify/clock_rate", "no clock with rate notifications");
	else
		vx_notify_case("notify/clock_rate", SCMI_PROTOCOL_CLOCK,
			       SCMI_EVENT_CLOCK_RATE_CHANGED, 0, vx_trig_clock,
			       (void *)&vx_exp.clocks[0],
			       vx_clock_other_rate(&vx_exp.clocks[0],
						   vx_exp.clocks[0].rate));

	p = vx_get(SCMI_PROTOCOL_PERF);
	if (!p || !vx_exp.nperf || !vx_exp.perf[0].set_perf) {
		vx_skip("notify/perf_level", "no settable performance domain");
	} else {
		const struct vx_exp_perf *e = &vx_exp.perf[0];

		vx_notify_case("notify/perf_level", SCMI_PROTOCOL_PERF,
			       SCMI_EVENT_PERFORMANCE_LEVEL_CHANGED, 0,
			       vx_trig_perf, (void *)e,
			       e->levels[0] != e->level ? e->levels[0] :
			       e->levels[1]);
	}

	p = vx_get(SCMI_PROTOCOL_POWER);
	if (!p || !vx_exp.npower) {
		vx_skip("notify/power_state", "no power domain");
	} else {
		const struct scmi_power_proto_ops *ops = p->ops;

		if (ops->state_get(p->ph, 0, &was)) {
			vx_fail("notify/power_state", "state_get failed");
		} else {
			vx_notify_case("notify/power_state", SCMI_PROTOCOL_POWER,
				       SCMI_EVENT_POWER_STATE_CHANGED, 0,
				       vx_trig_power, &was,
				       was == VX_PWR_ON ? VX_PWR_OFF : VX_PWR_ON);
		}
	}
	/*
	 * Sensors: continuous updates (every update interval, 1 s by
	 * default) of a sensor, and a trip point crossed by the platform's
	 * simulated signal (a triangle: it crosses the middle twice a period).
	 */
	vx_notify_periodic = 0;
	p = vx_get(SCMI_PROTOCOL_SENSOR);
	for (i = 0; p && i < vx_exp.nsensors; i++)
		if (vx_exp.sensors[i].update && vx_exp.sensors[i].varies)
			break;
	if (!p || i == vx_exp.nsensors)
		vx_skip("notify/sensor_update", "no sensor with update notifications");
	else
		vx_notify_timed("notify/sensor_update", SCMI_PROTOCOL_SENSOR,
				SCMI_EVENT_SENSOR_UPDATE, i, vx_exp.sensors[i].min,
				vx_exp.sensors[i].max, 3000, 1500, vx_arm_update);
	for (i = 0; p && i < vx_exp.nsensors; i++)
		if (vx_exp.sensors[i].ntrips && vx_exp.sensors[i].varies &&
		    vx_exp.sensors[i].period_ms <= 10000)
			break;
	if (!p || i == vx_exp.nsensors)
		vx_skip("notify/sensor_trip", "no sensor with trip points and a fast signal");
	else
		/* trip_point_desc: trip id 0 in the low bits, direction bit 16 */
		vx_notify_timed("notify/sensor_trip", SCMI_PROTOCOL_SENSOR,
				SCMI_EVENT_SENSOR_TRIP_POINT_EVENT, i, 0, 0x10000,
				vx_exp.sensors[i].period_ms * 6 / 10, 0,
				vx_arm_trip);

	/* The guest suite compares these with the platform's counter. */
	vx_line("# notify: notifications_expected=%u notifications_periodic=%u",
		vx_notify_expected, vx_notify_periodic);
}

/* ------------------------------------------------------------------ */
/* Atomic mode                                                          */

/**
 * vx_check_atomic() - clock commands with interrupts off, when the
 * transport says it can complete commands atomically
 */
void vx_check_atomic(void)
{
	const struct scmi_clk_proto_ops *ops;
	unsigned int thr = 0;
	struct vx_proto *p;
	unsigned long flags;
	bool on = false, off = true, irqs_off;
	int r1, r2, r3, r4;
	u64 t0, dt;

	if (!vx.handle->is_transport_atomic ||
	    !vx.handle->is_transport_atomic(vx.handle, &thr)) {
		vx_skip("atomic/clock_enable", "transport is not atomic");
		vx_skip("atomic/clock_disable", "transport is not atomic");
		return;
	}
	vx_line("# atomic transport, threshold %u us", thr);
	p = vx_get(SCMI_PROTOCOL_CLOCK);
	if (!p || !vx_exp.nclocks) {
		vx_fail("atomic/clock_enable", "no clock protocol");
		return;
	}
	ops = p->ops;

	t0 = ktime_get_ns();
	local_irq_save(flags);
	r1 = ops->enable(p->ph, 0, true);
	r2 = ops->state_get(p->ph, 0, &on, true);
	r3 = ops->disable(p->ph, 0, true);
	r4 = ops->state_get(p->ph, 0, &off, true);
	irqs_off = irqs_disabled();
	local_irq_restore(flags);
	dt = ktime_get_ns() - t0;

	if (!irqs_off)
		vx_fail("atomic/irqs_stayed_off", "interrupts were re-enabled");
	else
		vx_pass("atomic/irqs_stayed_off");
	if (r1 || r2)
		vx_fail("atomic/clock_enable", "returned %d/%d", r1, r2);
	else
		VX_EQ("atomic/clock_enable", on, true);
	if (r3 || r4)
		vx_fail("atomic/clock_disable", "returned %d/%d", r3, r4);
	else
		VX_EQ("atomic/clock_disable", off, false);
	vx_line("# atomic: 4 commands in %llu us", dt / 1000);
}

/* ------------------------------------------------------------------ */
/* Concurrent callers                                                   */

/**
 * struct vx_worker - one concurrent caller
 * @task: the kthread, bound to @cpu
 * @cpu: CPU it runs on
 * @n: iterations
 * @calls: commands completed with the right answer
 * @errors: commands that failed
 * @wrong: commands that returned a wrong value
 * @first: description of the first problem
 * @done: signalled when the work is finished
 */
struct vx_worker {
	struct task_struct *task;
	unsigned int cpu;
	unsigned int n;
	unsigned long calls;
	unsigned long errors;
	unsigned long wrong;
	char first[96];
	struct completion done;
};

static int vx_worker_fn(void *arg)
{
	struct vx_worker *w = arg;
	struct vx_proto *pc = vx_get(SCMI_PROTOCOL_CLOCK);
	struct vx_proto *pp = vx_get(SCMI_PROTOCOL_PERF);
	const struct scmi_clk_proto_ops *cops = pc ? pc->ops : NULL;
	const struct scmi_perf_proto_ops *pops = pp ? pp->ops : NULL;
	unsigned int k, id;
	u64 rate;
	u32 lvl;
	int ret;

	for (k = 0; k < w->n; k++) {
		if (cops && vx_exp.nclocks) {
			id = (k + w->cpu) % vx_exp.nclocks;
			ret = cops->rate_get(pc->ph, id, &rate);
			if (ret) {
				if (!w->errors++ && !w->wrong)
					snprintf(w->first, sizeof(w->first),
						 "clock %u rate_get: %d", id, ret);
			} else if (rate != vx_exp.clocks[id].rate) {
				if (!w->wrong++ && !w->errors)
					snprintf(w->first, sizeof(w->first),
						 "clock %u rate %llu, want %llu",
						 id, rate, vx_exp.clocks[id].rate);
			} else {
				w->calls++;
			}
		}
		if (pops && vx_exp.nperf) {
			id = (k + w->cpu) % vx_exp.nperf;
			ret = pops->level_get(pp->ph, id, &lvl, false);
			if (ret) {
				if (!w->errors++ && !w->wrong)
					snprintf(w->first, sizeof(w->first),
						 "perf %u level_get: %d", id, ret);
			} else if (lvl != vx_exp.perf[id].level) {
				if (!w->wrong++ && !w->errors)
					snprintf(w->first, sizeof(w->first),
						 "perf %u level %u, want %u",
						 id, lvl, vx_exp.perf[id].level);
			} else {
				w->calls++;
			}
		}
		cond_resched();
	}
	complete(&w->done);

	/* Stay until stopped so the task outlives nothing it references. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/**
 * vx_check_concurrent() - one kthread per online CPU, each doing
 * @per_cpu clock rate gets and perf level gets; every answer is checked
 * @per_cpu: iterations per thread
 */
void vx_check_concurrent(unsigned int per_cpu)
{
	struct vx_worker *w;
	unsigned int cpu, nw = 0, i;
	unsigned long calls = 0, errors = 0, wrong = 0, want;
	const char *first = NULL;
	u64 t0, dt;

	if (!vx_get(SCMI_PROTOCOL_CLOCK) && !vx_get(SCMI_PROTOCOL_PERF)) {
		vx_fail("concurrent/bound", "neither clock nor perf bound");
		return;
	}
	w = kcalloc(nr_cpu_ids, sizeof(*w), GFP_KERNEL);
	if (!w) {
		vx_fail("concurrent/threads", "no memory");
		return;
	}

	t0 = ktime_get_ns();
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct vx_worker *x = &w[nw];

		x->cpu = cpu;
		x->n = per_cpu;
		init_completion(&x->done);
		x->task = kthread_create(vx_worker_fn, x, "vx_conc/%u", cpu);
		if (IS_ERR(x->task)) {
			x->task = NULL;
			continue;
		}
		kthread_bind(x->task, cpu);
		nw++;
	}
	cpus_read_unlock();
	for (i = 0; i < nw; i++)
		wake_up_process(w[i].task);
	for (i = 0; i < nw; i++) {
		wait_for_completion(&w[i].done);
		kthread_stop(w[i].task);
		calls += w[i].calls;
		errors += w[i].errors;
		wrong += w[i].wrong;
		if (!first && w[i].first[0])
			first = w[i].first;
	}
	dt = ktime_get_ns() - t0;

	VX_EQ("concurrent/threads", nw, num_online_cpus());
	want = (unsigned long)nw * per_cpu *
	       ((vx_get(SCMI_PROTOCOL_CLOCK) && vx_exp.nclocks) +
		(vx_get(SCMI_PROTOCOL_PERF) && vx_exp.nperf));
	if (errors || wrong)
		vx_fail("concurrent/answers", "%lu errors, %lu wrong of %lu; first: %s",
			errors, wrong, want, first ? first : "?");
	else
		VX_EQ("concurrent/answers", calls, want);
	vx_line("# concurrent: %u threads x %u, %lu commands in %llu ms",
		nw, per_cpu, calls + errors + wrong, dt / NSEC_PER_MSEC);
	kfree(w);
}

/**
 * vx_dump_state() - the platform's current power domain states and clock
 * rates/states, read with real commands, as "# state ..." lines:
 * "# state power ID on|off|0xSTATE", "# state clock ID RATE on|off"
 */
void vx_dump_state(void)
{
	struct vx_proto *p;
	unsigned int i;
	bool en;
	u64 rate;
	u32 st;
	int n;

	p = vx_get(SCMI_PROTOCOL_POWER);
	if (p) {
		const struct scmi_power_proto_ops *ops = p->ops;

		n = ops->num_domains_get(p->ph);
		for (i = 0; (int)i < n; i++) {
			if (ops->state_get(p->ph, i, &st))
				vx_fail(vx_n("state/power/%u", i), "state_get failed");
			else
				vx_line("# state power %u %s", i,
					st == VX_PWR_ON ? "on" :
					st == VX_PWR_OFF ? "off" : "other");
		}
	}
	p = vx_get(SCMI_PROTOCOL_CLOCK);
	if (p) {
		const struct scmi_clk_proto_ops *ops = p->ops;

		n = ops->count_get(p->ph);
		for (i = 0; (int)i < n; i++) {
			if (ops->rate_get(p->ph, i, &rate) ||
			    ops->state_get(p->ph, i, &en, false))
				vx_fail(vx_n("state/clock/%u", i), "read failed");
			else
				vx_line("# state clock %u %llu %s", i, rate,
					en ? "on" : "off");
		}
	}
}
