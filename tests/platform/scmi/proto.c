// SPDX-License-Identifier: GPL-2.0
/*
 * proto.c - SCMI protocol semantics of the test platform: base, power
 * domain, system power, performance, clock, sensor, reset, voltage and
 * powercap, following the message layouts of the Arm SCMI specification.
 *
 * Conventions used by every handler:
 *  - a handler is called only for a known message whose parameter length
 *    is exactly the one the specification defines (the dispatcher answers
 *    NOT_FOUND / PROTOCOL_ERROR before that);
 *  - it writes the status word and return values into c->out and returns
 *    their length; on an error status nothing but the status is returned;
 *  - resource ids out of range give NOT_FOUND, bad values INVALID_PARAMETERS
 *    or OUT_OF_RANGE, features a resource does not advertise NOT_SUPPORTED;
 *  - state is checked completely before it is changed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define AGENT_PLATFORM	0
#define AGENT_OSPM	1

struct ctx {
	struct scmi_engine *e;
	struct se_resources *r;
	uint8_t proto, msg;
	uint32_t token;
	const uint8_t *p;
	size_t plen;
	uint8_t *out;
	size_t cap;		/* bytes available for status + values */
	uint64_t now;
};

typedef size_t (*handler_t)(struct ctx *c);

struct msgdef {
	uint8_t id;
	uint8_t len;		/* exact parameter length */
	handler_t fn;
};

static size_t st(struct ctx *c, int status)
{
	put32(c->out, (uint32_t)status);
	return 4;
}

/* how many list entries of @per bytes fit after @head bytes of reply */
static size_t room(const struct ctx *c, size_t head, size_t per)
{
	return c->cap < head ? 0 : (c->cap - head) / per;
}

static uint32_t arg(const struct ctx *c, int i)
{
	return le32(c->p + 4 * i);
}

/* SUCCESS followed by @n 32-bit values */
static size_t ok32(struct ctx *c, int n, const uint32_t *v)
{
	int i;

	put32(c->out, 0);
	for (i = 0; i < n; i++)
		put32(c->out + 4 + 4 * i, v[i]);
	return 4 + 4 * (size_t)n;
}

static void put_name(uint8_t *dst, const char *name, size_t size)
{
	size_t n = strlen(name);

	if (n > size - 1)
		n = size - 1;
	memset(dst, 0, size);
	memcpy(dst, name, n);
}

static bool long_name(const char *name)
{
	return strlen(name) > SE_SHORT_NAME - 1;
}

/* flags + 64-byte name: the common *_NAME_GET reply */
static size_t name_reply(struct ctx *c, const char *name)
{
	put32(c->out, 0);
	put32(c->out + 4, 0);
	put_name(c->out + 8, name, SE_NAME_MAX);
	return 8 + SE_NAME_MAX;
}

static void dresp(struct ctx *c, const uint32_t *v, int n)
{
	uint8_t buf[SE_P2A_BUF];
	int i;

	for (i = 0; i < n; i++)
		put32(buf + 4 * i, v[i]);
	se_queue_dresp(c->e, c->proto, c->msg, c->token, buf, 4 * (size_t)n,
		       c->now);
}

/* An asynchronous request needs P2A and room in the delayed queue. */
static int async_check(struct ctx *c, bool supported)
{
	if (!supported || !c->e->p2a)
		return S_NOT_SUPPORTED;
	if (!se_dresp_room(c->e)) {
		c->e->dresp_busy++;
		return S_BUSY;
	}
	return S_SUCCESS;
}

/* Notify-enable commands: NOT_SUPPORTED without P2A or feature. */
static int notify_check(struct ctx *c, bool supported, uint32_t ctl,
			uint32_t valid_mask)
{
	if (ctl & ~valid_mask)
		return S_INVALID_PARAMETERS;
	if (!supported || !c->e->p2a)
		return S_NOT_SUPPORTED;
	return S_SUCCESS;
}

/* ---------------------------------------------------------------- base */

static const uint8_t proto_list[] = {
	P_POWER, P_SYSTEM, P_PERF, P_CLOCK, P_SENSOR, P_RESET, P_VOLTAGE,
	P_POWERCAP,
};

static int listed(const struct se_resources *r, int *ids)
{
	int n = 0;
	size_t i;

	for (i = 0; i < sizeof(proto_list); i++)
		if (r->protocols & (1u << PIDX(proto_list[i]))) {
			if (ids)
				ids[n] = proto_list[i];
			n++;
		}
	return n;
}

static size_t base_attrs(struct ctx *c)
{
	uint32_t v = (uint32_t)listed(c->r, NULL) | 1u << 8;

	return ok32(c, 1, &v);
}

static size_t base_vendor(struct ctx *c)
{
	put32(c->out, 0);
	put_name(c->out + 4, c->msg == 3 ? c->r->vendor : c->r->sub_vendor,
		 SE_SHORT_NAME);
	return 4 + SE_SHORT_NAME;
}

static size_t base_impl(struct ctx *c)
{
	return ok32(c, 1, &c->r->impl_version);
}

static size_t base_list(struct ctx *c)
{
	int ids[16], n = listed(c->r, ids), k, i;
	uint32_t skip = arg(c, 0);
	size_t room_b, len;

	if (skip > (uint32_t)n)
		return st(c, S_INVALID_PARAMETERS);
	k = n - (int)skip;
	room_b = room(c, 8, 4) * 4;
	if ((size_t)k > room_b)
		k = (int)room_b;
	len = ((size_t)k + 3) & ~(size_t)3;
	put32(c->out, 0);
	put32(c->out + 4, (uint32_t)k);
	memset(c->out + 8, 0, len);
	for (i = 0; i < k; i++)
		c->out[8 + i] = (uint8_t)ids[skip + (uint32_t)i];
	return 8 + len;
}

static size_t base_agent(struct ctx *c)
{
	uint32_t id = arg(c, 0);
	const char *name;

	if (id == 0xffffffffu)
		id = AGENT_OSPM;
	if (id == AGENT_PLATFORM)
		name = "platform";
	else if (id == AGENT_OSPM)
		name = c->r->agent_name;
	else
		return st(c, S_NOT_FOUND);
	put32(c->out, 0);
	put32(c->out + 4, id);
	put_name(c->out + 8, name, SE_SHORT_NAME);
	return 8 + SE_SHORT_NAME;
}

static size_t base_notify(struct ctx *c)
{
	uint32_t ctl = arg(c, 0);
	int s = notify_check(c, true, ctl, 1);

	if (s)
		return st(c, s);
	c->r->base_ntf = ctl & 1;
	return st(c, 0);
}

/* --------------------------------------------------------------- power */

static size_t pwr_attrs(struct ctx *c)
{
	uint32_t v[4] = { (uint32_t)c->r->npwr, 0, 0, 0 };

	return ok32(c, 4, v);
}

static size_t pwr_dom_attrs(struct ctx *c)
{
	struct se_power *d;
	uint32_t f = 0;

	if (arg(c, 0) >= (uint32_t)c->r->npwr)
		return st(c, S_NOT_FOUND);
	d = &c->r->pwr[arg(c, 0)];
	if (d->notify_ok && c->e->p2a)
		f |= 1u << 31;
	if (d->async_ok)
		f |= 1u << 30;
	if (d->sync_ok)
		f |= 1u << 29;
	if (long_name(d->name))
		f |= 1u << 27;
	put32(c->out, 0);
	put32(c->out + 4, f);
	put_name(c->out + 8, d->name, SE_SHORT_NAME);
	return 8 + SE_SHORT_NAME;
}

static bool pwr_state_valid(uint32_t s)
{
	return s == POWER_ON || s == POWER_OFF;
}

static void pwr_apply(struct scmi_engine *e, int id, uint32_t state,
		      uint32_t agent, uint64_t now)
{
	struct se_power *d = &e->r.pwr[id];
	uint8_t buf[12];

	if (d->state == state)
		return;
	se_slog_add(e, P_POWER, id, "state", d->state, state, agent, now);
	d->state = state;
	if (d->ntf) {
		put32(buf, agent);
		put32(buf + 4, (uint32_t)id);
		put32(buf + 8, state);
		se_notify(e, P_POWER, 0, buf, sizeof(buf), now);
	}
}

static size_t pwr_set(struct ctx *c)
{
	uint32_t flags = arg(c, 0), id = arg(c, 1), state = arg(c, 2);
	struct se_power *d;

	if (id >= (uint32_t)c->r->npwr)
		return st(c, S_NOT_FOUND);
	d = &c->r->pwr[id];
	if (flags & ~1u)
		return st(c, S_INVALID_PARAMETERS);
	if ((flags & 1) ? !d->async_ok : !d->sync_ok)
		return st(c, S_NOT_SUPPORTED);
	if (!pwr_state_valid(state))
		return st(c, S_INVALID_PARAMETERS);
	pwr_apply(c->e, (int)id, state, AGENT_OSPM, c->now);
	return st(c, 0);
}

static size_t pwr_get(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->npwr)
		return st(c, S_NOT_FOUND);
	return ok32(c, 1, &c->r->pwr[arg(c, 0)].state);
}

static size_t pwr_notify(struct ctx *c)
{
	struct se_power *d;
	int s;

	if (arg(c, 0) >= (uint32_t)c->r->npwr)
		return st(c, S_NOT_FOUND);
	d = &c->r->pwr[arg(c, 0)];
	s = notify_check(c, d->notify_ok, arg(c, 1), 1);
	if (s)
		return st(c, s);
	d->ntf = arg(c, 1) & 1;
	return st(c, 0);
}

static size_t pwr_name(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->npwr)
		return st(c, S_NOT_FOUND);
	return name_reply(c, c->r->pwr[arg(c, 0)].name);
}

/* -------------------------------------------------------------- system */

static size_t sys_attrs(struct ctx *c)
{
	uint32_t v = 1u << 31 | 1u << 30;	/* warm reset, suspend */

	return ok32(c, 1, &v);
}

static size_t sys_set(struct ctx *c)
{
	uint32_t flags = arg(c, 0), state = arg(c, 1);

	if (flags & ~1u || state > 4)
		return st(c, S_INVALID_PARAMETERS);
	c->r->sys_state = state;
	return st(c, 0);
}

static size_t sys_get(struct ctx *c)
{
	return ok32(c, 1, &c->r->sys_state);
}

static size_t sys_notify(struct ctx *c)
{
	int s = notify_check(c, true, arg(c, 0), 1);

	if (s)
		return st(c, s);
	c->r->sys_ntf = arg(c, 0) & 1;
	return st(c, 0);
}

/* ---------------------------------------------------------------- perf */

static size_t perf_attrs(struct ctx *c)
{
	/* bit 0 of the flags: power values in milliwatts */
	uint32_t v[4] = { (uint32_t)c->r->nperf | 1u << 16, 0, 0, 0 };

	return ok32(c, 4, v);
}

static const struct se_opp *perf_opp(const struct se_perf *d, uint32_t level)
{
	int i;

	for (i = 0; i < d->nopps; i++)
		if (d->opps[i].level == level)
			return &d->opps[i];
	return NULL;
}

static size_t perf_dom_attrs(struct ctx *c)
{
	const struct se_perf *d;
	const struct se_opp *s;
	uint32_t f = 0;

	if (arg(c, 0) >= (uint32_t)c->r->nperf)
		return st(c, S_NOT_FOUND);
	d = &c->r->perf[arg(c, 0)];
	s = perf_opp(d, d->sustained);
	if (d->set_limits_ok)
		f |= 1u << 31;
	if (d->set_level_ok)
		f |= 1u << 30;
	if (d->notify_ok && c->e->p2a)
		f |= 1u << 29 | 1u << 28;
	if (long_name(d->name))
		f |= 1u << 26;
	put32(c->out, 0);
	put32(c->out + 4, f);
	put32(c->out + 8, d->rate_limit_us);
	put32(c->out + 12, s ? s->freq_khz : 0);
	put32(c->out + 16, s ? s->level : 0);
	put_name(c->out + 20, d->name, SE_SHORT_NAME);
	return 20 + SE_SHORT_NAME;
}

static size_t perf_describe(struct ctx *c)
{
	const struct se_perf *d;
	uint32_t idx = arg(c, 1);
	size_t k, i, per = 20;
	uint8_t *o;

	if (arg(c, 0) >= (uint32_t)c->r->nperf)
		return st(c, S_NOT_FOUND);
	d = &c->r->perf[arg(c, 0)];
	if (idx > (uint32_t)d->nopps)
		return st(c, S_INVALID_PARAMETERS);
	k = (size_t)d->nopps - idx;
	if (k > room(c, 8, per))
		k = room(c, 8, per);
	put32(c->out, 0);
	put16(c->out + 4, (uint16_t)k);
	put16(c->out + 6, (uint16_t)((size_t)d->nopps - idx - k));
	for (i = 0; i < k; i++) {
		const struct se_opp *op = &d->opps[idx + i];

		o = c->out + 8 + i * per;
		put32(o, op->level);
		put32(o + 4, op->power);
		put16(o + 8, (uint16_t)op->latency_us);
		put16(o + 10, 0);
		put32(o + 12, op->freq_khz);
		put32(o + 16, (uint32_t)(idx + i));
	}
	return 8 + k * per;
}

static void perf_ntf_level(struct scmi_engine *e, int id, uint32_t agent,
			   uint64_t now)
{
	struct se_perf *d = &e->r.perf[id];
	uint8_t buf[12];

	if (!d->ntf_lvl)
		return;
	put32(buf, agent);
	put32(buf + 4, (uint32_t)id);
	put32(buf + 8, d->level);
	se_notify(e, P_PERF, 1, buf, sizeof(buf), now);
}

static void perf_ntf_limits(struct scmi_engine *e, int id, uint32_t agent,
			    uint64_t now)
{
	struct se_perf *d = &e->r.perf[id];
	uint8_t buf[16];

	if (!d->ntf_lim)
		return;
	put32(buf, agent);
	put32(buf + 4, (uint32_t)id);
	put32(buf + 8, d->lim_max);
	put32(buf + 12, d->lim_min);
	se_notify(e, P_PERF, 0, buf, sizeof(buf), now);
}

/* Validate and apply a level: returns an SCMI status. */
static int perf_level_apply(struct scmi_engine *e, int id, uint32_t level,
			    uint32_t agent, uint64_t now)
{
	struct se_perf *d = &e->r.perf[id];

	if (level < d->lim_min || level > d->lim_max)
		return S_OUT_OF_RANGE;
	if (!perf_opp(d, level))
		return S_INVALID_PARAMETERS;
	if (d->level != level) {
		se_slog_add(e, P_PERF, id, "level", d->level, level, agent,
			    now);
		d->level = level;
		perf_ntf_level(e, id, agent, now);
	}
	return S_SUCCESS;
}

static int perf_limits_apply(struct scmi_engine *e, int id, uint32_t max,
			     uint32_t min, uint32_t agent, uint64_t now)
{
	struct se_perf *d = &e->r.perf[id];
	uint32_t lvl = d->level;
	int i;
	bool any = false;

	if (min > max)
		return S_INVALID_PARAMETERS;
	if (min < d->opps[0].level || max > d->opps[d->nopps - 1].level)
		return S_OUT_OF_RANGE;
	for (i = 0; i < d->nopps; i++)
		if (d->opps[i].level >= min && d->opps[i].level <= max)
			any = true;
	if (!any)
		return S_INVALID_PARAMETERS;
	if (lvl > max)
		for (i = d->nopps - 1; i >= 0; i--)
			if (d->opps[i].level <= max) {
				lvl = d->opps[i].level;
				break;
			}
	if (lvl < min)
		for (i = 0; i < d->nopps; i++)
			if (d->opps[i].level >= min) {
				lvl = d->opps[i].level;
				break;
			}
	if (d->lim_min != min || d->lim_max != max) {
		d->lim_min = min;
		d->lim_max = max;
		perf_ntf_limits(e, id, agent, now);
	}
	if (lvl != d->level) {
		d->level = lvl;
		perf_ntf_level(e, id, agent, now);
	}
	return S_SUCCESS;
}

static size_t perf_limits_set(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->nperf)
		return st(c, S_NOT_FOUND);
	if (!c->r->perf[arg(c, 0)].set_limits_ok)
		return st(c, S_DENIED);
	return st(c, perf_limits_apply(c->e, (int)arg(c, 0), arg(c, 1),
				       arg(c, 2), AGENT_OSPM, c->now));
}

static size_t perf_limits_get(struct ctx *c)
{
	uint32_t v[2];

	if (arg(c, 0) >= (uint32_t)c->r->nperf)
		return st(c, S_NOT_FOUND);
	v[0] = c->r->perf[arg(c, 0)].lim_max;
	v[1] = c->r->perf[arg(c, 0)].lim_min;
	return ok32(c, 2, v);
}

static size_t perf_level_set(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->nperf)
		return st(c, S_NOT_FOUND);
	if (!c->r->perf[arg(c, 0)].set_level_ok)
		return st(c, S_DENIED);
	return st(c, perf_level_apply(c->e, (int)arg(c, 0), arg(c, 1),
				      AGENT_OSPM, c->now));
}

static size_t perf_level_get(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->nperf)
		return st(c, S_NOT_FOUND);
	return ok32(c, 1, &c->r->perf[arg(c, 0)].level);
}

static size_t perf_notify(struct ctx *c)
{
	struct se_perf *d;
	int s;

	if (arg(c, 0) >= (uint32_t)c->r->nperf)
		return st(c, S_NOT_FOUND);
	d = &c->r->perf[arg(c, 0)];
	s = notify_check(c, d->notify_ok, arg(c, 1), 1);
	if (s)
		return st(c, s);
	if (c->msg == 0x9)
		d->ntf_lim = arg(c, 1) & 1;
	else
		d->ntf_lvl = arg(c, 1) & 1;
	return st(c, 0);
}

static size_t perf_name(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->nperf)
		return st(c, S_NOT_FOUND);
	return name_reply(c, c->r->perf[arg(c, 0)].name);
}

/* --------------------------------------------------------------- clock */

static size_t clk_proto_attrs(struct ctx *c)
{
	uint32_t v = (uint32_t)c->r->nclk;

	if (c->e->p2a)
		v |= (c->r->clock_max_async & 0xff) << 16;
	return ok32(c, 1, &v);
}

static size_t clk_attrs(struct ctx *c)
{
	const struct se_clock *k;
	uint32_t a = 0;

	if (arg(c, 0) >= (uint32_t)c->r->nclk)
		return st(c, S_NOT_FOUND);
	k = &c->r->clk[arg(c, 0)];
	if (k->enabled)
		a |= 1;
	if (k->notify_ok && c->e->p2a)
		a |= 1u << 31 | 1u << 30;
	if (long_name(k->name))
		a |= 1u << 29;
	put32(c->out, 0);
	put32(c->out + 4, a);
	put_name(c->out + 8, k->name, SE_SHORT_NAME);
	put32(c->out + 24, k->latency_us);
	return 28;
}

static size_t clk_describe(struct ctx *c)
{
	const struct se_clock *k;
	uint32_t idx = arg(c, 1);
	size_t n, i;

	if (arg(c, 0) >= (uint32_t)c->r->nclk)
		return st(c, S_NOT_FOUND);
	k = &c->r->clk[arg(c, 0)];
	put32(c->out, 0);
	if (!k->discrete) {
		if (idx != 0)
			return st(c, S_INVALID_PARAMETERS);
		put32(c->out + 4, 3 | 1u << 12);
		put64(c->out + 8, k->min);
		put64(c->out + 16, k->max);
		put64(c->out + 24, k->step);
		return 32;
	}
	if (idx > (uint32_t)k->nrates)
		return st(c, S_INVALID_PARAMETERS);
	n = (size_t)k->nrates - idx;
	if (n > room(c, 8, 8))
		n = room(c, 8, 8);
	put32(c->out + 4, (uint32_t)n |
	      (uint32_t)((size_t)k->nrates - idx - n) << 16);
	for (i = 0; i < n; i++)
		put64(c->out + 8 + 8 * i, k->rates[idx + i]);
	return 8 + 8 * n;
}

/*
 * Round @want to a rate the clock supports: mode 0 down, 1 up, 2 nearest.
 * Returns false when no supported rate qualifies (outside the range).
 */
static bool clk_round(const struct se_clock *k, uint64_t want, int mode,
		      uint64_t *out)
{
	uint64_t lo, hi;
	int i;

	if (!k->discrete) {
		if (want < k->min || want > k->max)
			return false;
		lo = k->min + (want - k->min) / k->step * k->step;
		hi = lo == want ? lo : lo + k->step;
		if (hi > k->max)
			hi = lo;
	} else {
		if (want < k->rates[0] || want > k->rates[k->nrates - 1])
			return false;
		lo = k->rates[0];
		hi = k->rates[k->nrates - 1];
		for (i = 0; i < k->nrates; i++) {
			if (k->rates[i] <= want)
				lo = k->rates[i];
			if (k->rates[i] >= want) {
				hi = k->rates[i];
				break;
			}
		}
	}
	if (mode == 0)
		*out = lo;
	else if (mode == 1)
		*out = hi;
	else
		*out = (want - lo <= hi - want) ? lo : hi;
	return true;
}

static void clk_apply(struct scmi_engine *e, int id, uint64_t rate,
		      uint32_t agent, uint64_t now)
{
	struct se_clock *k = &e->r.clk[id];
	uint8_t buf[16];

	put32(buf, agent);
	put32(buf + 4, (uint32_t)id);
	put64(buf + 8, rate);
	if (k->ntf_req)
		se_notify(e, P_CLOCK, 1, buf, sizeof(buf), now);
	if (k->rate == rate)
		return;
	se_slog_add(e, P_CLOCK, id, "rate", k->rate, rate, agent, now);
	k->rate = rate;
	if (k->ntf_rate)
		se_notify(e, P_CLOCK, 0, buf, sizeof(buf), now);
}

static void clk_enable_apply(struct scmi_engine *e, int id, bool on,
			     uint32_t agent, uint64_t now)
{
	struct se_clock *k = &e->r.clk[id];

	if (k->enabled != on)
		se_slog_add(e, P_CLOCK, id, "enabled", k->enabled, on, agent,
			    now);
	k->enabled = on;
}

static size_t clk_rate_set(struct ctx *c)
{
	uint32_t flags = arg(c, 0), id = arg(c, 1);
	uint64_t want = arg(c, 2) | (uint64_t)arg(c, 3) << 32, rate;
	bool async = flags & 1, ignore = flags & 2;
	int mode = (flags & 8) ? 2 : (flags & 4) ? 1 : 0, s;
	uint32_t v[3];

	if (id >= (uint32_t)c->r->nclk)
		return st(c, S_NOT_FOUND);
	if (flags & ~0xfu)
		return st(c, S_INVALID_PARAMETERS);
	if (async && !ignore) {
		s = async_check(c, c->r->clock_max_async > 0);
		if (s)
			return st(c, s);
	} else if (async && !c->r->clock_max_async) {
		return st(c, S_NOT_SUPPORTED);
	}
	if (!clk_round(&c->r->clk[id], want, mode, &rate))
		return st(c, S_OUT_OF_RANGE);
	clk_apply(c->e, (int)id, rate, AGENT_OSPM, c->now);
	if (async && !ignore) {
		v[0] = id;
		v[1] = (uint32_t)rate;
		v[2] = (uint32_t)(rate >> 32);
		dresp(c, v, 3);
	}
	return st(c, 0);
}

static size_t clk_rate_get(struct ctx *c)
{
	uint32_t v[2];

	if (arg(c, 0) >= (uint32_t)c->r->nclk)
		return st(c, S_NOT_FOUND);
	v[0] = (uint32_t)c->r->clk[arg(c, 0)].rate;
	v[1] = (uint32_t)(c->r->clk[arg(c, 0)].rate >> 32);
	return ok32(c, 2, v);
}

static size_t clk_config_set(struct ctx *c)
{
	uint32_t attrs = arg(c, 1), state = attrs & 3, oem = (attrs >> 16) & 0xff;

	if (arg(c, 0) >= (uint32_t)c->r->nclk)
		return st(c, S_NOT_FOUND);
	if (attrs & ~0x00ff0003u || state == 2)
		return st(c, S_INVALID_PARAMETERS);
	if (oem)
		return st(c, S_NOT_SUPPORTED);
	if (state == 3)
		return st(c, S_INVALID_PARAMETERS);
	clk_enable_apply(c->e, (int)arg(c, 0), state == 1, AGENT_OSPM, c->now);
	return st(c, 0);
}

static size_t clk_config_get(struct ctx *c)
{
	uint32_t v[3] = { 0, 0, 0 };

	if (arg(c, 0) >= (uint32_t)c->r->nclk)
		return st(c, S_NOT_FOUND);
	if (arg(c, 1) & ~0xffu)
		return st(c, S_INVALID_PARAMETERS);
	if (arg(c, 1) & 0xff)
		return st(c, S_NOT_SUPPORTED);
	v[1] = c->r->clk[arg(c, 0)].enabled ? 1 : 0;
	return ok32(c, 3, v);
}

static size_t clk_name(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->nclk)
		return st(c, S_NOT_FOUND);
	return name_reply(c, c->r->clk[arg(c, 0)].name);
}

static size_t clk_notify(struct ctx *c)
{
	struct se_clock *k;
	int s;

	if (arg(c, 0) >= (uint32_t)c->r->nclk)
		return st(c, S_NOT_FOUND);
	k = &c->r->clk[arg(c, 0)];
	s = notify_check(c, k->notify_ok, arg(c, 1), 1);
	if (s)
		return st(c, s);
	if (c->msg == 0x9)
		k->ntf_rate = arg(c, 1) & 1;
	else
		k->ntf_req = arg(c, 1) & 1;
	return st(c, 0);
}

/* -------------------------------------------------------------- sensor */

/* update intervals offered: 100 ms, 1 s, 5 s (seconds [20:5], exp [4:0]) */
static const uint32_t sens_ivl_ms[] = { 100, 1000, 5000 };
static const uint32_t sens_ivl_desc[] = {
	1u << 5 | 0x1f,		/* 1 * 10^-1 s */
	1u << 5,		/* 1 s */
	5u << 5,		/* 5 s */
};
#define SENS_NIVL	3

/* sensor config word for an interval index */
static uint32_t sens_cfg_ivl(int i)
{
	uint32_t secs = sens_ivl_desc[i] >> 5, exp = sens_ivl_desc[i] & 0x1f;

	return secs << 16 | exp << 11;
}

static uint64_t sens_cfg_ms(uint32_t cfg)
{
	uint64_t v = cfg >> 16;
	int exp = (int)((cfg >> 11) & 0x1f);

	if (exp & 0x10)
		exp -= 32;
	exp += 3;	/* to milliseconds */
	for (; exp > 0; exp--) {
		if (v > UINT64_MAX / 10)
			return UINT64_MAX;
		v *= 10;
	}
	for (; exp < 0; exp++)
		v /= 10;
	return v;
}

/**
 * se_sensor_value() - a sensor's value at a given time
 * @s: sensor
 * @now: CLOCK_MONOTONIC ns
 *
 * Return: the override if set, else a triangle wave of period @s->period_ms
 * between base - amplitude and base + amplitude.
 */
int64_t se_sensor_value(const struct se_sensor *s, uint64_t now)
{
	uint64_t period, ph;
	int64_t a = s->amplitude;

	if (s->override)
		return s->override_value;
	if (!a || !s->period_ms)
		return s->base;
	/* deterministic triangle wave between base - a and base + a */
	period = (uint64_t)s->period_ms * 1000000ull;
	ph = now % period;
	if (ph < period / 2)
		return s->base - a + (int64_t)((__uint128_t)(2 * (uint64_t)a) * ph /
					       (period / 2));
	ph -= period / 2;
	return s->base + a - (int64_t)((__uint128_t)(2 * (uint64_t)a) * ph /
				       (period / 2));
}

static size_t sens_proto_attrs(struct ctx *c)
{
	uint32_t v[4] = { (uint32_t)c->r->nsens, 0, 0, 0 };

	if (c->e->p2a)
		v[0] |= 16u << 16;	/* max pending async reads */
	return ok32(c, 4, v);
}

static size_t sens_describe(struct ctx *c)
{
	uint32_t idx = arg(c, 0);
	size_t k, i, per = 28;
	uint8_t *o;

	if (idx > (uint32_t)c->r->nsens)
		return st(c, S_INVALID_PARAMETERS);
	k = (size_t)c->r->nsens - idx;
	if (k > room(c, 8, per))
		k = room(c, 8, per);
	put32(c->out, 0);
	put16(c->out + 4, (uint16_t)k);
	put16(c->out + 6, (uint16_t)((size_t)c->r->nsens - idx - k));
	for (i = 0; i < k; i++) {
		const struct se_sensor *s = &c->r->sens[idx + i];
		uint32_t lo = (uint32_t)s->ntrips, hi;

		if (s->async_ok && c->e->p2a)
			lo |= 1u << 31;
		if (s->notify_ok && c->e->p2a)
			lo |= 1u << 30;
		if (long_name(s->name))
			lo |= 1u << 29;
		lo |= 0x17u << 10 | 1u << 9;	/* timestamps in ns (10^-9) */
		hi = ((uint32_t)s->scale & 0x1f) << 11 | s->type;
		o = c->out + 8 + i * per;
		put32(o, (uint32_t)(idx + i));
		put32(o + 4, lo);
		put32(o + 8, hi);
		put_name(o + 12, s->name, SE_SHORT_NAME);
	}
	return 8 + k * per;
}

static size_t sens_trip_notify(struct ctx *c)
{
	struct se_sensor *s;
	int r;

	if (arg(c, 0) >= (uint32_t)c->r->nsens)
		return st(c, S_NOT_FOUND);
	s = &c->r->sens[arg(c, 0)];
	r = notify_check(c, s->ntrips > 0, arg(c, 1), 1);
	if (r)
		return st(c, r);
	s->ntf_trip = arg(c, 1) & 1;
	s->have_last = false;
	se_schedule_now(c->e, c->now);
	return st(c, 0);
}

static size_t sens_trip_config(struct ctx *c)
{
	struct se_sensor *s;
	uint32_t ev = arg(c, 1), tp = (ev >> 4) & 0xff;

	if (arg(c, 0) >= (uint32_t)c->r->nsens)
		return st(c, S_NOT_FOUND);
	s = &c->r->sens[arg(c, 0)];
	if (ev & ~0xff3u || tp >= (uint32_t)s->ntrips)
		return st(c, S_INVALID_PARAMETERS);
	s->trip[tp].mode = ev & 3;
	s->trip[tp].value = (int64_t)(arg(c, 2) | (uint64_t)arg(c, 3) << 32);
	s->have_last = false;
	se_schedule_now(c->e, c->now);
	return st(c, 0);
}

static size_t sens_read(struct ctx *c)
{
	struct se_sensor *s;
	uint32_t flags = arg(c, 1), v[5];
	int64_t val;
	int r;

	if (arg(c, 0) >= (uint32_t)c->r->nsens)
		return st(c, S_NOT_FOUND);
	s = &c->r->sens[arg(c, 0)];
	if (flags & ~1u)
		return st(c, S_INVALID_PARAMETERS);
	val = se_sensor_value(s, c->now);
	if (flags & 1) {
		r = async_check(c, s->async_ok);
		if (r)
			return st(c, r);
		v[0] = arg(c, 0);
		v[1] = (uint32_t)val;
		v[2] = (uint32_t)((uint64_t)val >> 32);
		v[3] = (uint32_t)c->now;
		v[4] = (uint32_t)(c->now >> 32);
		dresp(c, v, 5);
		return st(c, 0);
	}
	v[0] = (uint32_t)val;
	v[1] = (uint32_t)((uint64_t)val >> 32);
	v[2] = (uint32_t)c->now;
	v[3] = (uint32_t)(c->now >> 32);
	return ok32(c, 4, v);
}

static size_t sens_intervals(struct ctx *c)
{
	uint32_t idx = arg(c, 1), v[1 + SENS_NIVL];
	int i, n;

	if (arg(c, 0) >= (uint32_t)c->r->nsens)
		return st(c, S_NOT_FOUND);
	if (idx > SENS_NIVL)
		return st(c, S_INVALID_PARAMETERS);
	n = SENS_NIVL - (int)idx;
	v[0] = (uint32_t)n;
	for (i = 0; i < n; i++)
		v[1 + i] = sens_ivl_desc[idx + (uint32_t)i];
	return ok32(c, 1 + n, v);
}

static size_t sens_config_get(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->nsens)
		return st(c, S_NOT_FOUND);
	return ok32(c, 1, &c->r->sens[arg(c, 0)].config);
}

static size_t sens_config_set(struct ctx *c)
{
	struct se_sensor *s;
	uint32_t cfg = arg(c, 1), round = (cfg >> 9) & 3, newcfg;
	uint64_t ms, best = UINT64_MAX;
	int i, pick = -1;

	if (arg(c, 0) >= (uint32_t)c->r->nsens)
		return st(c, S_NOT_FOUND);
	s = &c->r->sens[arg(c, 0)];
	if (cfg & 0x1fcu || round == 3)
		return st(c, S_INVALID_PARAMETERS);
	newcfg = cfg & 3;
	if (!(cfg >> 16)) {
		newcfg |= s->config & 0xfffff800u;	/* keep the interval */
	} else {
		ms = sens_cfg_ms(cfg);
		for (i = 0; i < SENS_NIVL; i++) {
			uint64_t d = ms > sens_ivl_ms[i] ? ms - sens_ivl_ms[i] :
				     sens_ivl_ms[i] - ms;

			if (ms == sens_ivl_ms[i]) {
				pick = i;
				break;
			}
			if (round == 0 && sens_ivl_ms[i] < ms)
				pick = i;
			if (round == 1 && sens_ivl_ms[i] > ms && pick < 0)
				pick = i;
			if (round == 2 && d < best) {
				best = d;
				pick = i;
			}
		}
		if (pick < 0)
			return st(c, S_OUT_OF_RANGE);
		newcfg |= sens_cfg_ivl(pick);
	}
	s->config = newcfg;
	s->next_update = 0;
	se_schedule_now(c->e, c->now);
	return st(c, 0);
}

static size_t sens_update_notify(struct ctx *c)
{
	struct se_sensor *s;
	int r;

	if (arg(c, 0) >= (uint32_t)c->r->nsens)
		return st(c, S_NOT_FOUND);
	s = &c->r->sens[arg(c, 0)];
	r = notify_check(c, s->notify_ok, arg(c, 1), 1);
	if (r)
		return st(c, r);
	s->ntf_update = arg(c, 1) & 1;
	s->next_update = 0;
	se_schedule_now(c->e, c->now);
	return st(c, 0);
}

static size_t sens_name(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->nsens)
		return st(c, S_NOT_FOUND);
	return name_reply(c, c->r->sens[arg(c, 0)].name);
}

static void sens_ntf_update(struct scmi_engine *e, int id, uint32_t agent,
			    uint64_t now)
{
	struct se_sensor *s = &e->r.sens[id];
	int64_t v = se_sensor_value(s, now);
	uint8_t buf[24];

	put32(buf, agent);
	put32(buf + 4, (uint32_t)id);
	put64(buf + 8, (uint64_t)v);
	put64(buf + 16, now);
	se_notify(e, P_SENSOR, 1, buf, sizeof(buf), now);
}

static void sens_ntf_trip(struct scmi_engine *e, int id, int tp, bool up,
			  uint32_t agent, uint64_t now)
{
	uint8_t buf[12];

	put32(buf, agent);
	put32(buf + 4, (uint32_t)id);
	put32(buf + 8, (uint32_t)tp | (up ? 1u << 16 : 0));
	se_notify(e, P_SENSOR, 0, buf, sizeof(buf), now);
}

/* --------------------------------------------------------------- reset */

static size_t rst_proto_attrs(struct ctx *c)
{
	uint32_t v = (uint32_t)c->r->nrst;

	return ok32(c, 1, &v);
}

static size_t rst_attrs(struct ctx *c)
{
	const struct se_reset *d;
	uint32_t a = 0;

	if (arg(c, 0) >= (uint32_t)c->r->nrst)
		return st(c, S_NOT_FOUND);
	d = &c->r->rst[arg(c, 0)];
	if (d->async_ok && c->e->p2a)
		a |= 1u << 31;
	if (d->notify_ok && c->e->p2a)
		a |= 1u << 30;
	if (long_name(d->name))
		a |= 1u << 29;
	put32(c->out, 0);
	put32(c->out + 4, a);
	put32(c->out + 8, d->latency_us);
	put_name(c->out + 12, d->name, SE_SHORT_NAME);
	return 12 + SE_SHORT_NAME;
}

static void rst_ntf(struct scmi_engine *e, int id, uint32_t state,
		    uint32_t agent, uint64_t now)
{
	uint8_t buf[12];

	if (!e->r.rst[id].ntf)
		return;
	put32(buf, agent);
	put32(buf + 4, (uint32_t)id);
	put32(buf + 8, state);
	se_notify(e, P_RESET, 0, buf, sizeof(buf), now);
}

static void rst_assert_apply(struct scmi_engine *e, int id, bool on,
			     uint32_t agent, uint64_t now)
{
	if (e->r.rst[id].asserted != on)
		se_slog_add(e, P_RESET, id, "asserted", e->r.rst[id].asserted,
			    on, agent, now);
}

static size_t rst_reset(struct ctx *c)
{
	uint32_t id = arg(c, 0), flags = arg(c, 1), state = arg(c, 2), v;
	struct se_reset *d;
	bool autonomous = flags & 1, assert = flags & 2, async = flags & 4;
	int s;

	if (id >= (uint32_t)c->r->nrst)
		return st(c, S_NOT_FOUND);
	d = &c->r->rst[id];
	if (flags & ~7u || (autonomous && assert) || (async && !autonomous))
		return st(c, S_INVALID_PARAMETERS);
	if (state & 0x80000000u)
		return st(c, S_NOT_SUPPORTED);	/* no IMPDEF reset types */
	if (state != 0)
		return st(c, S_INVALID_PARAMETERS);
	if (async) {
		s = async_check(c, d->async_ok);
		if (s)
			return st(c, s);
	}
	if (autonomous || !assert)
		rst_assert_apply(c->e, (int)id, false, AGENT_OSPM, c->now);
	else
		rst_assert_apply(c->e, (int)id, true, AGENT_OSPM, c->now);
	if (autonomous) {
		se_slog_add(c->e, P_RESET, (int)id, "resets", d->resets,
			    d->resets + 1, AGENT_OSPM, c->now);
		d->asserted = false;
		d->resets++;
		rst_ntf(c->e, (int)id, state, AGENT_OSPM, c->now);
	} else if (assert) {
		if (!d->asserted)
			rst_ntf(c->e, (int)id, state, AGENT_OSPM, c->now);
		d->asserted = true;
	} else {
		d->asserted = false;
	}
	if (async) {
		v = id;
		dresp(c, &v, 1);
	}
	return st(c, 0);
}

static size_t rst_notify(struct ctx *c)
{
	struct se_reset *d;
	int s;

	if (arg(c, 0) >= (uint32_t)c->r->nrst)
		return st(c, S_NOT_FOUND);
	d = &c->r->rst[arg(c, 0)];
	s = notify_check(c, d->notify_ok, arg(c, 1), 1);
	if (s)
		return st(c, s);
	d->ntf = arg(c, 1) & 1;
	return st(c, 0);
}

static size_t rst_name(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->nrst)
		return st(c, S_NOT_FOUND);
	return name_reply(c, c->r->rst[arg(c, 0)].name);
}

/* ------------------------------------------------------------- voltage */

static size_t volt_proto_attrs(struct ctx *c)
{
	uint32_t v = (uint32_t)c->r->nvolt;

	return ok32(c, 1, &v);
}

static size_t volt_attrs(struct ctx *c)
{
	const struct se_voltage *d;
	uint32_t a = 0;

	if (arg(c, 0) >= (uint32_t)c->r->nvolt)
		return st(c, S_NOT_FOUND);
	d = &c->r->volt[arg(c, 0)];
	if (d->async_ok && c->e->p2a)
		a |= 1u << 31;
	if (long_name(d->name))
		a |= 1u << 30;
	put32(c->out, 0);
	put32(c->out + 4, a);
	put_name(c->out + 8, d->name, SE_SHORT_NAME);
	return 8 + SE_SHORT_NAME;
}

static size_t volt_describe(struct ctx *c)
{
	const struct se_voltage *d;
	uint32_t idx = arg(c, 1);
	size_t n, i;

	if (arg(c, 0) >= (uint32_t)c->r->nvolt)
		return st(c, S_NOT_FOUND);
	d = &c->r->volt[arg(c, 0)];
	put32(c->out, 0);
	if (d->segmented) {
		if (idx != 0)
			return st(c, S_INVALID_PARAMETERS);
		put32(c->out + 4, 3 | 1u << 12);
		put32(c->out + 8, (uint32_t)d->min);
		put32(c->out + 12, (uint32_t)d->max);
		put32(c->out + 16, (uint32_t)d->step);
		return 20;
	}
	if (idx > (uint32_t)d->nlevels)
		return st(c, S_INVALID_PARAMETERS);
	n = (size_t)d->nlevels - idx;
	if (n > room(c, 8, 4))
		n = room(c, 8, 4);
	put32(c->out + 4, (uint32_t)n |
	      (uint32_t)((size_t)d->nlevels - idx - n) << 16);
	for (i = 0; i < n; i++)
		put32(c->out + 8 + 4 * i, (uint32_t)d->levels[idx + i]);
	return 8 + 4 * n;
}

static bool volt_valid(const struct se_voltage *d, int32_t uv)
{
	int i;

	if (d->segmented)
		return uv >= d->min && uv <= d->max &&
		       ((int64_t)uv - d->min) % d->step == 0;
	for (i = 0; i < d->nlevels; i++)
		if (d->levels[i] == uv)
			return true;
	return false;
}

static size_t volt_config_set(struct ctx *c)
{
	uint32_t cfg = arg(c, 1);

	if (arg(c, 0) >= (uint32_t)c->r->nvolt)
		return st(c, S_NOT_FOUND);
	if (cfg != 0 && cfg != 7)
		return st(c, S_INVALID_PARAMETERS);
	c->r->volt[arg(c, 0)].config = cfg;
	return st(c, 0);
}

static size_t volt_config_get(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->nvolt)
		return st(c, S_NOT_FOUND);
	return ok32(c, 1, &c->r->volt[arg(c, 0)].config);
}

static size_t volt_level_set(struct ctx *c)
{
	uint32_t id = arg(c, 0), flags = arg(c, 1), v[2];
	int32_t uv = (int32_t)arg(c, 2);
	struct se_voltage *d;
	int s;

	if (id >= (uint32_t)c->r->nvolt)
		return st(c, S_NOT_FOUND);
	d = &c->r->volt[id];
	if (flags & ~1u)
		return st(c, S_INVALID_PARAMETERS);
	if (flags & 1) {
		s = async_check(c, d->async_ok);
		if (s)
			return st(c, s);
	}
	if (d->segmented ? (uv < d->min || uv > d->max) :
	    (uv < d->levels[0] || uv > d->levels[d->nlevels - 1]))
		return st(c, S_OUT_OF_RANGE);
	if (!volt_valid(d, uv))
		return st(c, S_INVALID_PARAMETERS);
	d->level = uv;
	if (flags & 1) {
		v[0] = id;
		v[1] = (uint32_t)uv;
		dresp(c, v, 2);
	}
	return st(c, 0);
}

static size_t volt_level_get(struct ctx *c)
{
	uint32_t v;

	if (arg(c, 0) >= (uint32_t)c->r->nvolt)
		return st(c, S_NOT_FOUND);
	v = (uint32_t)c->r->volt[arg(c, 0)].level;
	return ok32(c, 1, &v);
}

static size_t volt_name(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->nvolt)
		return st(c, S_NOT_FOUND);
	return name_reply(c, c->r->volt[arg(c, 0)].name);
}

/**
 * se_pcap_power() - a powercap domain's measured power at a given time
 * @pc: powercap domain
 * @now: CLOCK_MONOTONIC ns
 *
 * Return: the override if set, else a triangle wave around power_base,
 * clipped to [0, cap] when capping is enabled.
 */
uint32_t se_pcap_power(const struct se_powercap *pc, uint64_t now)
{
	uint64_t period, ph;
	int64_t p = pc->power_base, a = pc->power_amp;

	if (pc->override)
		return pc->override_power;
	if (a && pc->period_ms) {
		period = (uint64_t)pc->period_ms * 1000000ull;
		ph = now % period;
		if (ph < period / 2)
			p = p - a + (int64_t)((__uint128_t)(2 * (uint64_t)a) * ph /
					      (period / 2));
		else
			p = p + a - (int64_t)((__uint128_t)(2 * (uint64_t)a) *
					      (ph - period / 2) / (period / 2));
	}
	if (p < 0)
		p = 0;
	if (pc->cap && (uint64_t)p > pc->cap)
		p = pc->cap;
	return (uint32_t)p;
}

static size_t pcap_proto_attrs(struct ctx *c)
{
	uint32_t v = (uint32_t)c->r->npcap;

	return ok32(c, 1, &v);
}

static size_t pcap_attrs(struct ctx *c)
{
	const struct se_powercap *d;
	uint32_t a = 0, v[9];
	int i;

	if (arg(c, 0) >= (uint32_t)c->r->npcap)
		return st(c, S_NOT_FOUND);
	d = &c->r->pcap[arg(c, 0)];
	if (d->notify_ok && c->e->p2a)
		a |= 1u << 31 | (d->monitor_ok ? 1u << 30 : 0);
	if (d->async_ok && c->e->p2a)
		a |= 1u << 29;
	if (long_name(d->name))
		a |= 1u << 28;
	if (d->cap_min != d->cap_max)
		a |= 1u << 27;
	if (d->monitor_ok)
		a |= 1u << 26;
	if (d->pai_min != d->pai_max)
		a |= 1u << 25;
	a |= (d->unit & 3) << 23;
	v[0] = d->pai_min;
	v[1] = d->pai_max;
	v[2] = d->pai_step;
	v[3] = d->cap_min;
	v[4] = d->cap_max;
	v[5] = d->cap_step;
	v[6] = d->sustainable;
	v[7] = d->accuracy;
	v[8] = d->parent;
	put32(c->out, 0);
	put32(c->out + 4, a);
	put_name(c->out + 8, d->name, SE_SHORT_NAME);
	for (i = 0; i < 9; i++)
		put32(c->out + 24 + 4 * i, v[i]);
	return 24 + 36;
}

static void pcap_ntf_cap(struct scmi_engine *e, int id, uint32_t agent,
			 uint64_t now)
{
	struct se_powercap *d = &e->r.pcap[id];
	uint8_t buf[16];

	if (!d->ntf_cap)
		return;
	put32(buf, agent);
	put32(buf + 4, (uint32_t)id);
	put32(buf + 8, d->cap);
	put32(buf + 12, d->pai);
	se_notify(e, P_POWERCAP, 0, buf, sizeof(buf), now);
}

static void pcap_ntf_meas(struct scmi_engine *e, int id, uint32_t agent,
			  uint64_t now)
{
	uint8_t buf[12];

	put32(buf, agent);
	put32(buf + 4, (uint32_t)id);
	put32(buf + 8, se_pcap_power(&e->r.pcap[id], now));
	se_notify(e, P_POWERCAP, 1, buf, sizeof(buf), now);
}

static bool on_step(uint32_t v, uint32_t min, uint32_t step)
{
	return !step || (v - min) % step == 0;
}

static int pcap_cap_check(const struct se_powercap *d, uint32_t cap)
{
	if (d->cap_min == d->cap_max)
		return S_NOT_SUPPORTED;
	if (cap == 0)
		return S_SUCCESS;	/* v2: disable capping */
	if (cap < d->cap_min || cap > d->cap_max)
		return S_OUT_OF_RANGE;
	if (!on_step(cap, d->cap_min, d->cap_step))
		return S_INVALID_PARAMETERS;
	return S_SUCCESS;
}

static void pcap_cap_apply(struct scmi_engine *e, int id, uint32_t cap,
			   uint32_t agent, uint64_t now)
{
	struct se_powercap *d = &e->r.pcap[id];

	if (d->cap == cap)
		return;
	d->cap = cap;
	pcap_ntf_cap(e, id, agent, now);
}

static int pcap_pai_check(const struct se_powercap *d, uint32_t pai)
{
	if (d->pai_min == d->pai_max)
		return S_NOT_SUPPORTED;
	if (pai < d->pai_min || pai > d->pai_max)
		return S_OUT_OF_RANGE;
	if (!on_step(pai, d->pai_min, d->pai_step))
		return S_INVALID_PARAMETERS;
	return S_SUCCESS;
}

static void pcap_pai_apply(struct scmi_engine *e, int id, uint32_t pai,
			   uint32_t agent, uint64_t now)
{
	struct se_powercap *d = &e->r.pcap[id];

	if (d->pai == pai)
		return;
	d->pai = pai;
	pcap_ntf_cap(e, id, agent, now);
}

static size_t pcap_cap_get(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->npcap)
		return st(c, S_NOT_FOUND);
	return ok32(c, 1, &c->r->pcap[arg(c, 0)].cap);
}

static size_t pcap_cap_set(struct ctx *c)
{
	uint32_t id = arg(c, 0), flags = arg(c, 1), cap = arg(c, 2), v[2];
	bool async = flags & 2, ignore = flags & 1;
	struct se_powercap *d;
	int s;

	if (id >= (uint32_t)c->r->npcap)
		return st(c, S_NOT_FOUND);
	d = &c->r->pcap[id];
	if (flags & ~3u)
		return st(c, S_INVALID_PARAMETERS);
	if (async && !ignore) {
		s = async_check(c, d->async_ok);
		if (s)
			return st(c, s);
	} else if (async && !d->async_ok) {
		return st(c, S_NOT_SUPPORTED);
	}
	s = pcap_cap_check(d, cap);
	if (s)
		return st(c, s);
	pcap_cap_apply(c->e, (int)id, cap, AGENT_OSPM, c->now);
	if (async && !ignore) {
		v[0] = id;
		v[1] = cap;
		dresp(c, v, 2);
	}
	return st(c, 0);
}

static size_t pcap_pai_get(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->npcap)
		return st(c, S_NOT_FOUND);
	return ok32(c, 1, &c->r->pcap[arg(c, 0)].pai);
}

static size_t pcap_pai_set(struct ctx *c)
{
	uint32_t id = arg(c, 0), flags = arg(c, 1), pai = arg(c, 2);
	int s;

	if (id >= (uint32_t)c->r->npcap)
		return st(c, S_NOT_FOUND);
	if (flags)
		return st(c, S_INVALID_PARAMETERS);
	s = pcap_pai_check(&c->r->pcap[id], pai);
	if (s)
		return st(c, s);
	pcap_pai_apply(c->e, (int)id, pai, AGENT_OSPM, c->now);
	return st(c, 0);
}

static size_t pcap_name(struct ctx *c)
{
	if (arg(c, 0) >= (uint32_t)c->r->npcap)
		return st(c, S_NOT_FOUND);
	return name_reply(c, c->r->pcap[arg(c, 0)].name);
}

static size_t pcap_meas(struct ctx *c)
{
	const struct se_powercap *d;
	uint32_t v[2];

	if (arg(c, 0) >= (uint32_t)c->r->npcap)
		return st(c, S_NOT_FOUND);
	d = &c->r->pcap[arg(c, 0)];
	if (!d->monitor_ok)
		return st(c, S_NOT_SUPPORTED);
	v[0] = se_pcap_power(d, c->now);
	v[1] = d->pai;
	return ok32(c, 2, v);
}

static size_t pcap_cap_notify(struct ctx *c)
{
	struct se_powercap *d;
	int s;

	if (arg(c, 0) >= (uint32_t)c->r->npcap)
		return st(c, S_NOT_FOUND);
	d = &c->r->pcap[arg(c, 0)];
	s = notify_check(c, d->notify_ok, arg(c, 1), 1);
	if (s)
		return st(c, s);
	d->ntf_cap = arg(c, 1) & 1;
	return st(c, 0);
}

static size_t pcap_meas_notify(struct ctx *c)
{
	struct se_powercap *d;
	int s;

	if (arg(c, 0) >= (uint32_t)c->r->npcap)
		return st(c, S_NOT_FOUND);
	d = &c->r->pcap[arg(c, 0)];
	s = notify_check(c, d->notify_ok && d->monitor_ok, arg(c, 1), 1);
	if (s)
		return st(c, s);
	if ((arg(c, 1) & 1) && arg(c, 2) > arg(c, 3))
		return st(c, S_INVALID_PARAMETERS);
	d->ntf_meas = arg(c, 1) & 1;
	d->th_low = arg(c, 2);
	d->th_high = arg(c, 3);
	d->meas_zone = 2;
	se_schedule_now(c->e, c->now);
	return st(c, 0);
}

/* ------------------------------------------------------------ dispatch */

static size_t common_version(struct ctx *c);
static size_t common_msg_attrs(struct ctx *c);

static const struct msgdef base_msgs[] = {
	{ 0x0, 0, common_version }, { 0x1, 0, base_attrs },
	{ 0x2, 4, common_msg_attrs }, { 0x3, 0, base_vendor },
	{ 0x4, 0, base_vendor }, { 0x5, 0, base_impl },
	{ 0x6, 4, base_list }, { 0x7, 4, base_agent },
	{ 0x8, 4, base_notify }, { 0, 0, NULL },
};

static const struct msgdef power_msgs[] = {
	{ 0x0, 0, common_version }, { 0x1, 0, pwr_attrs },
	{ 0x2, 4, common_msg_attrs }, { 0x3, 4, pwr_dom_attrs },
	{ 0x4, 12, pwr_set }, { 0x5, 4, pwr_get }, { 0x6, 8, pwr_notify },
	{ 0x8, 4, pwr_name }, { 0, 0, NULL },
};

static const struct msgdef system_msgs[] = {
	{ 0x0, 0, common_version }, { 0x1, 0, sys_attrs },
	{ 0x2, 4, common_msg_attrs }, { 0x3, 8, sys_set },
	{ 0x4, 0, sys_get }, { 0x5, 4, sys_notify }, { 0, 0, NULL },
};

static const struct msgdef perf_msgs[] = {
	{ 0x0, 0, common_version }, { 0x1, 0, perf_attrs },
	{ 0x2, 4, common_msg_attrs }, { 0x3, 4, perf_dom_attrs },
	{ 0x4, 8, perf_describe }, { 0x5, 12, perf_limits_set },
	{ 0x6, 4, perf_limits_get }, { 0x7, 8, perf_level_set },
	{ 0x8, 4, perf_level_get }, { 0x9, 8, perf_notify },
	{ 0xa, 8, perf_notify }, { 0xc, 4, perf_name }, { 0, 0, NULL },
};

static const struct msgdef clock_msgs[] = {
	{ 0x0, 0, common_version }, { 0x1, 0, clk_proto_attrs },
	{ 0x2, 4, common_msg_attrs }, { 0x3, 4, clk_attrs },
	{ 0x4, 8, clk_describe }, { 0x5, 16, clk_rate_set },
	{ 0x6, 4, clk_rate_get }, { 0x7, 12, clk_config_set },
	{ 0x8, 4, clk_name }, { 0x9, 8, clk_notify }, { 0xa, 8, clk_notify },
	{ 0xb, 8, clk_config_get }, { 0, 0, NULL },
};

static const struct msgdef sensor_msgs[] = {
	{ 0x0, 0, common_version }, { 0x1, 0, sens_proto_attrs },
	{ 0x2, 4, common_msg_attrs }, { 0x3, 4, sens_describe },
	{ 0x4, 8, sens_trip_notify }, { 0x5, 16, sens_trip_config },
	{ 0x6, 8, sens_read }, { 0x8, 8, sens_intervals },
	{ 0x9, 4, sens_config_get }, { 0xa, 8, sens_config_set },
	{ 0xb, 8, sens_update_notify }, { 0xc, 4, sens_name }, { 0, 0, NULL },
};

static const struct msgdef reset_msgs[] = {
	{ 0x0, 0, common_version }, { 0x1, 0, rst_proto_attrs },
	{ 0x2, 4, common_msg_attrs }, { 0x3, 4, rst_attrs },
	{ 0x4, 12, rst_reset }, { 0x5, 8, rst_notify }, { 0x6, 4, rst_name },
	{ 0, 0, NULL },
};

static const struct msgdef voltage_msgs[] = {
	{ 0x0, 0, common_version }, { 0x1, 0, volt_proto_attrs },
	{ 0x2, 4, common_msg_attrs }, { 0x3, 4, volt_attrs },
	{ 0x4, 8, volt_describe }, { 0x5, 8, volt_config_set },
	{ 0x6, 4, volt_config_get }, { 0x7, 12, volt_level_set },
	{ 0x8, 4, volt_level_get }, { 0x9, 4, volt_name }, { 0, 0, NULL },
};

static const struct msgdef powercap_msgs[] = {
	{ 0x0, 0, common_version }, { 0x1, 0, pcap_proto_attrs },
	{ 0x2, 4, common_msg_attrs }, { 0x3, 4, pcap_attrs },
	{ 0x4, 4, pcap_cap_get }, { 0x5, 12, pcap_cap_set },
	{ 0x6, 4, pcap_pai_get }, { 0x7, 12, pcap_pai_set },
	{ 0x8, 4, pcap_name }, { 0x9, 4, pcap_meas },
	{ 0xa, 8, pcap_cap_notify }, { 0xb, 16, pcap_meas_notify },
	{ 0, 0, NULL },
};

struct protodef {
	const char *name;
	uint32_t version;
	const struct msgdef *msgs;
	const struct msgdef *by_id[256];
};

static struct protodef protos[SE_NPROTO] = {
	{ "base", 0x20000, base_msgs, { 0 } },
	{ "power", 0x30000, power_msgs, { 0 } },
	{ "system", 0x20000, system_msgs, { 0 } },
	{ "perf", 0x40000, perf_msgs, { 0 } },
	{ "clock", 0x30000, clock_msgs, { 0 } },
	{ "sensor", 0x30000, sensor_msgs, { 0 } },
	{ "reset", 0x30000, reset_msgs, { 0 } },
	{ "voltage", 0x20000, voltage_msgs, { 0 } },
	{ "powercap", 0x20000, powercap_msgs, { 0 } },
};

static void protos_index(void)
{
	static bool done;
	const struct msgdef *m;
	int i;

	if (done)
		return;
	for (i = 0; i < SE_NPROTO; i++)
		for (m = protos[i].msgs; m->fn; m++)
			protos[i].by_id[m->id] = m;
	done = true;
}

static size_t common_version(struct ctx *c)
{
	return ok32(c, 1, &protos[PIDX(c->proto)].version);
}

static size_t common_msg_attrs(struct ctx *c)
{
	uint32_t id = arg(c, 0), zero = 0;

	if (id > 0xff || !protos[PIDX(c->proto)].by_id[id])
		return st(c, S_NOT_FOUND);
	return ok32(c, 1, &zero);
}

/**
 * se_dispatch() - answer one command
 * @e: engine
 * @hdr: the command's header (type already checked)
 * @p: parameters
 * @plen: their length
 * @out: status + return values are written here (SCMI_ENGINE_MAX_SDU room)
 * @out_cap: bytes the caller can take; list replies are sized to fit
 * @now: CLOCK_MONOTONIC ns
 *
 * Return: bytes written to @out (>= 4).
 */
size_t se_dispatch(struct scmi_engine *e, uint32_t hdr, const uint8_t *p,
		   size_t plen, uint8_t *out, size_t out_cap, uint64_t now)
{
	struct ctx c;
	const struct msgdef *m;

	protos_index();
	c.e = e;
	c.r = &e->r;
	c.msg = hdr & 0xff;
	c.proto = (hdr >> 10) & 0xff;
	c.token = (hdr >> 18) & 0x3ff;
	c.p = p;
	c.plen = plen;
	c.out = out;
	c.cap = out_cap;
	c.now = now;
	if (out_cap < 4)
		return 0;
	if (c.proto < P_BASE || c.proto >= P_BASE + SE_NPROTO ||
	    (c.proto != P_BASE && !(e->r.protocols & (1u << PIDX(c.proto)))))
		return st(&c, S_NOT_SUPPORTED);
	m = protos[PIDX(c.proto)].by_id[c.msg];
	if (!m)
		return st(&c, S_NOT_FOUND);
	if (plen != m->len) {
		e->bad_len++;
		return st(&c, S_PROTOCOL_ERROR);
	}
	return m->fn(&c);
}

/**
 * se_schedule_now() - make the next handle/pop/ctl run the timed work
 * @e: engine
 * @now: CLOCK_MONOTONIC ns
 */
void se_schedule_now(struct scmi_engine *e, uint64_t now)
{
	if (now < e->timer_due)
		e->timer_due = now;
}

#define POLL_NS	10000000ull	/* trip point / threshold evaluation period */

/**
 * se_advance() - timed protocol work: trip points, continuous sensor
 * updates, powercap measurement thresholds
 * @e: engine
 * @now: CLOCK_MONOTONIC ns
 *
 * Return: when it needs to run next, UINT64_MAX for never.
 */
uint64_t se_advance(struct scmi_engine *e, uint64_t now)
{
	struct se_resources *r = &e->r;
	uint64_t due = UINT64_MAX, ivl;
	int i, t;

	for (i = 0; i < r->nsens; i++) {
		struct se_sensor *s = &r->sens[i];
		bool trips = false;
		int64_t v;

		for (t = 0; t < s->ntrips; t++)
			trips |= s->trip[t].mode != 0;
		if (s->ntf_trip && trips) {
			v = se_sensor_value(s, now);
			if (s->have_last) {
				for (t = 0; t < s->ntrips; t++) {
					int64_t tv = s->trip[t].value;
					uint8_t m = s->trip[t].mode;

					if ((m & 1) && s->last < tv && v >= tv)
						sens_ntf_trip(e, i, t, true,
							      AGENT_PLATFORM, now);
					if ((m & 2) && s->last >= tv && v < tv)
						sens_ntf_trip(e, i, t, false,
							      AGENT_PLATFORM, now);
				}
			}
			s->last = v;
			s->have_last = true;
			if (now + POLL_NS < due)
				due = now + POLL_NS;
		}
		if (s->ntf_update && (s->config & 1)) {
			ivl = sens_cfg_ms(s->config) * 1000000ull;
			if (!ivl)
				ivl = 1000000000ull;
			if (!s->next_update) {
				s->next_update = now + ivl;
			} else if (now >= s->next_update) {
				sens_ntf_update(e, i, AGENT_PLATFORM, now);
				s->next_update += ivl;
				if (s->next_update <= now)
					s->next_update = now + ivl;
			}
			if (s->next_update < due)
				due = s->next_update;
		}
	}
	for (i = 0; i < r->npcap; i++) {
		struct se_powercap *d = &r->pcap[i];
		uint32_t pw;
		int zone;

		if (!d->ntf_meas)
			continue;
		pw = se_pcap_power(d, now);
		zone = pw < d->th_low ? -1 : pw > d->th_high ? 1 : 0;
		if (d->meas_zone != 2 && zone != d->meas_zone)
			pcap_ntf_meas(e, i, AGENT_PLATFORM, now);
		d->meas_zone = zone;
		if (now + POLL_NS < due)
			due = now + POLL_NS;
	}
	return due;
}

static const char *const ev_names[SE_NPROTO][10] = {
	{ "error" },
	{ "state" },
	{ "shutdown", "cold-reset", "warm-reset", "power-up", "suspend",
	  "graceful-shutdown", "graceful-cold-reset", "graceful-warm-reset",
	  "graceful-power-up", "graceful-suspend" },
	{ "limits", "level" },
	{ "rate", "requested" },
	{ "trip", "update" },
	{ "issued" },
	{ NULL },
	{ "cap", "measurement" },
};

/**
 * se_event_parse() - event index of a notification name
 * @proto: protocol id
 * @name: e.g. "rate"
 *
 * Return: the index (the message id, except for system), -1 if unknown.
 */
int se_event_parse(uint8_t proto, const char *name)
{
	int i;

	if (proto < P_BASE || proto >= P_BASE + SE_NPROTO)
		return -1;
	for (i = 0; i < 10 && ev_names[PIDX(proto)][i]; i++)
		if (!strcmp(ev_names[PIDX(proto)][i], name))
			return i;
	return -1;
}

/**
 * se_event_name() - name of a notification event
 * @proto: protocol id
 * @event: index from se_event_parse()
 *
 * Return: the name, "?" if unknown.
 */
const char *se_event_name(uint8_t proto, int event)
{
	if (proto < P_BASE || proto >= P_BASE + SE_NPROTO || event < 0 ||
	    event >= 10 || !ev_names[PIDX(proto)][event])
		return "?";
	return ev_names[PIDX(proto)][event];
}

/**
 * se_proto_parse() - protocol id from a name ("clock") or number ("0x14")
 * @s: the text
 *
 * Return: the protocol id, -1 if not one of the engine's protocols.
 */
int se_proto_parse(const char *s)
{
	char *end;
	long v;
	int i;

	for (i = 0; i < SE_NPROTO; i++)
		if (!strcmp(s, protos[i].name))
			return P_BASE + i;
	v = strtol(s, &end, 0);
	if (*s && !*end && v >= P_BASE && v < P_BASE + SE_NPROTO)
		return (int)v;
	return -1;
}

/**
 * se_proto_name() - name of a protocol id
 * @proto: protocol id
 *
 * Return: the name, "unknown" for other ids.
 */
const char *se_proto_name(uint8_t proto)
{
	if (proto < P_BASE || proto >= P_BASE + SE_NPROTO)
		return "unknown";
	return protos[PIDX(proto)].name;
}

/**
 * se_res_count() - number of resources a protocol has
 * @r: resource set
 * @proto: protocol id
 *
 * Return: the count (1 for base and system, which have one "resource").
 */
int se_res_count(const struct se_resources *r, uint8_t proto)
{
	switch (proto) {
	case P_BASE:
	case P_SYSTEM:
		return 1;
	case P_POWER:
		return r->npwr;
	case P_PERF:
		return r->nperf;
	case P_CLOCK:
		return r->nclk;
	case P_SENSOR:
		return r->nsens;
	case P_RESET:
		return r->nrst;
	case P_VOLTAGE:
		return r->nvolt;
	case P_POWERCAP:
		return r->npcap;
	}
	return 0;
}

/**
 * se_emit_event() - queue one platform-initiated notification
 * @e: engine
 * @proto: protocol id
 * @id: resource id
 * @event: event index (se_event_parse())
 * @force: ignore the agent's notification enables
 * @now: CLOCK_MONOTONIC ns
 * @why: reason text for 0 and -1 returns (may be NULL)
 * @whylen: size of @why
 *
 * Return: 1 when queued, 0 when not enabled or without P2A, -1 on a bad
 * protocol, event or resource.
 */
int se_emit_event(struct scmi_engine *e, uint8_t proto, uint32_t id,
		  int event, bool force, uint64_t now, char *why, size_t whylen)
{
	struct se_resources *r = &e->r;
	uint8_t b[32];
	bool en = false;
	size_t len = 0;
	uint8_t msg = (uint8_t)event;

	if (why && whylen)
		why[0] = '\0';
	if (proto < P_BASE || proto >= P_BASE + SE_NPROTO ||
	    !ev_names[PIDX(proto)][0]) {
		if (why)
			snprintf(why, whylen, "%s has no notifications",
				 se_proto_name(proto));
		return -1;
	}
	if (event < 0 || event >= 10 || !ev_names[PIDX(proto)][event]) {
		if (why)
			snprintf(why, whylen, "bad event");
		return -1;
	}
	if (id >= (uint32_t)se_res_count(r, proto)) {
		if (why)
			snprintf(why, whylen, "no %s resource %u",
				 se_proto_name(proto), id);
		return -1;
	}
	put32(b, AGENT_PLATFORM);
	put32(b + 4, id);
	switch (proto) {
	case P_BASE:
		en = r->base_ntf;
		put32(b + 4, 0);		/* error_status: no reports */
		len = 8;
		break;
	case P_POWER:
		en = r->pwr[id].ntf;
		put32(b + 8, r->pwr[id].state);
		len = 12;
		break;
	case P_SYSTEM:
		en = r->sys_ntf;
		msg = 0;
		put32(b + 4, event >= 5 ? 1 : 0);	/* graceful */
		put32(b + 8, (uint32_t)(event % 5));
		put32(b + 12, 0);			/* timeout */
		len = 16;
		break;
	case P_PERF:
		if (event == 0) {
			en = r->perf[id].ntf_lim;
			put32(b + 8, r->perf[id].lim_max);
			put32(b + 12, r->perf[id].lim_min);
			len = 16;
		} else {
			en = r->perf[id].ntf_lvl;
			put32(b + 8, r->perf[id].level);
			len = 12;
		}
		break;
	case P_CLOCK:
		en = event ? r->clk[id].ntf_req : r->clk[id].ntf_rate;
		put64(b + 8, r->clk[id].rate);
		len = 16;
		break;
	case P_SENSOR:
		if (event == 0) {
			en = r->sens[id].ntf_trip;
			put32(b + 8, 1u << 16);	/* trip point 0, rising */
			len = 12;
		} else {
			en = r->sens[id].ntf_update;
			put64(b + 8, (uint64_t)se_sensor_value(&r->sens[id], now));
			put64(b + 16, now);
			len = 24;
		}
		break;
	case P_RESET:
		en = r->rst[id].ntf;
		put32(b + 8, 0);
		len = 12;
		break;
	case P_POWERCAP:
		if (event == 0) {
			en = r->pcap[id].ntf_cap;
			put32(b + 8, r->pcap[id].cap);
			put32(b + 12, r->pcap[id].pai);
			len = 16;
		} else {
			en = r->pcap[id].ntf_meas;
			put32(b + 8, se_pcap_power(&r->pcap[id], now));
			len = 12;
		}
		break;
	}
	if (!en && !force) {
		if (why)
			snprintf(why, whylen, "(not enabled by the agent)");
		return 0;
	}
	if (!e->p2a) {
		if (why)
			snprintf(why, whylen, "(no P2A channel)");
		return 0;
	}
	se_notify(e, proto, msg, b, len, now);
	return 1;
}

/* ------------------------------------------------ control: set, state */

static bool num(const char *s, int64_t *v)
{
	char *end;

	if (!s || !*s)
		return false;
	*v = strtoll(s, &end, 0);
	return !*end;
}

static const char *const status_names[] = {
	"SUCCESS", "NOT_SUPPORTED", "INVALID_PARAMETERS", "DENIED",
	"NOT_FOUND", "OUT_OF_RANGE", "BUSY", "COMMS_ERROR",
	"GENERIC_ERROR", "HARDWARE_ERROR", "PROTOCOL_ERROR",
};

/**
 * se_status_parse() - an SCMI error status from its name or number
 * @s: e.g. "BUSY" or "-6"
 * @status: the status
 *
 * Return: 0, or -1 when @s is not an error status.
 */
int se_status_parse(const char *s, int32_t *status)
{
	int i;

	for (i = 1; i <= 10; i++)
		if (!strcmp(s, status_names[i])) {
			*status = -i;
			return 0;
		}
	for (i = 1; i <= 10; i++) {
		char buf[8];

		snprintf(buf, sizeof(buf), "-%d", i);
		if (!strcmp(s, buf)) {
			*status = -i;
			return 0;
		}
	}
	return -1;
}

static const char *status_name(int s)
{
	return s <= 0 && s >= -10 ? status_names[-s] : "?";
}

/**
 * se_ctl_set() - the "set" control command: platform-initiated changes
 * @e: engine
 * @argc: number of words, "set" included
 * @argv: the words
 * @out: reply text
 * @now: CLOCK_MONOTONIC ns
 *
 * Return: 0, or -1 with "error:" or "usage:" written to @out.
 */
int se_ctl_set(struct scmi_engine *e, int argc, char **argv, FILE *out,
	       uint64_t now)
{
	struct se_resources *r = &e->r;
	int proto, s = S_SUCCESS;
	int64_t id, v, v2 = 0;
	const char *f;
	uint64_t rate;

	if (argc < 5)
		goto usage;
	proto = se_proto_parse(argv[1]);
	if (proto < 0 || !num(argv[2], &id) || id < 0 ||
	    id >= se_res_count(r, (uint8_t)proto)) {
		fprintf(out, "error: no such resource '%s %s'\n", argv[1], argv[2]);
		return -1;
	}
	f = argv[3];
	if (proto == P_SENSOR && !strcmp(f, "value") && argc == 5 &&
	    !strcmp(argv[4], "auto")) {
		r->sens[id].override = false;
		goto done;
	}
	if (proto == P_POWERCAP && !strcmp(f, "power") && argc == 5 &&
	    !strcmp(argv[4], "auto")) {
		r->pcap[id].override = false;
		goto done;
	}
	if (proto == P_POWER && !strcmp(f, "state") && argc == 5 &&
	    (!strcmp(argv[4], "on") || !strcmp(argv[4], "off"))) {
		pwr_apply(e, (int)id, argv[4][1] == 'n' ? POWER_ON : POWER_OFF,
			  AGENT_PLATFORM, now);
		goto done;
	}
	if (proto == P_VOLTAGE && !strcmp(f, "config") && argc == 5 &&
	    (!strcmp(argv[4], "on") || !strcmp(argv[4], "off"))) {
		r->volt[id].config = argv[4][1] == 'n' ? 7 : 0;
		goto done;
	}
	if (proto == P_RESET && !strcmp(f, "state") && argc == 5 &&
	    (!strcmp(argv[4], "asserted") || !strcmp(argv[4], "deasserted"))) {
		bool a = argv[4][0] == 'a';

		if (a && !r->rst[id].asserted)
			rst_ntf(e, (int)id, 0, AGENT_PLATFORM, now);
		rst_assert_apply(e, (int)id, a, AGENT_PLATFORM, now);
		r->rst[id].asserted = a;
		goto done;
	}
	if (!num(argv[4], &v) || (argc == 6 && !num(argv[5], &v2)) || argc > 6)
		goto usage;
	if (argc == 6 && !(proto == P_PERF && !strcmp(f, "limits")))
		goto usage;

	switch (proto) {
	case P_CLOCK:
		if (!strcmp(f, "rate")) {
			if (v < 0 || !clk_round(&r->clk[id], (uint64_t)v, 0, &rate) ||
			    rate != (uint64_t)v)
				s = S_OUT_OF_RANGE;
			else
				clk_apply(e, (int)id, rate, AGENT_PLATFORM, now);
		} else if (!strcmp(f, "enabled") && (v == 0 || v == 1)) {
			clk_enable_apply(e, (int)id, v, AGENT_PLATFORM, now);
		} else {
			goto usage;
		}
		break;
	case P_POWER:
		if (strcmp(f, "state"))
			goto usage;
		if (!pwr_state_valid((uint32_t)v))
			s = S_INVALID_PARAMETERS;
		else
			pwr_apply(e, (int)id, (uint32_t)v, AGENT_PLATFORM, now);
		break;
	case P_PERF:
		if (!strcmp(f, "level") && argc == 5)
			s = perf_level_apply(e, (int)id, (uint32_t)v,
					     AGENT_PLATFORM, now);
		else if (!strcmp(f, "limits") && argc == 6)
			s = perf_limits_apply(e, (int)id, (uint32_t)v2,
					      (uint32_t)v, AGENT_PLATFORM, now);
		else
			goto usage;
		break;
	case P_SENSOR:
		if (strcmp(f, "value"))
			goto usage;
		r->sens[id].override = true;
		r->sens[id].override_value = v;
		se_schedule_now(e, now);
		break;
	case P_VOLTAGE:
		if (strcmp(f, "level"))
			goto usage;
		if (!volt_valid(&r->volt[id], (int32_t)v))
			s = S_INVALID_PARAMETERS;
		else
			r->volt[id].level = (int32_t)v;
		break;
	case P_POWERCAP:
		if (!strcmp(f, "cap")) {
			s = pcap_cap_check(&r->pcap[id], (uint32_t)v);
			if (!s)
				pcap_cap_apply(e, (int)id, (uint32_t)v,
					       AGENT_PLATFORM, now);
		} else if (!strcmp(f, "pai")) {
			s = pcap_pai_check(&r->pcap[id], (uint32_t)v);
			if (!s)
				pcap_pai_apply(e, (int)id, (uint32_t)v,
					       AGENT_PLATFORM, now);
		} else if (!strcmp(f, "power")) {
			r->pcap[id].override = true;
			r->pcap[id].override_power = (uint32_t)v;
			se_schedule_now(e, now);
		} else {
			goto usage;
		}
		break;
	case P_SYSTEM:
		if (strcmp(f, "state") || v < 0 || v > 4)
			goto usage;
		r->sys_state = (uint32_t)v;
		break;
	default:
		goto usage;
	}
	if (s) {
		fprintf(out, "error: %s\n", status_name(s));
		return -1;
	}
done:
	fprintf(out, "ok\n");
	return 0;
usage:
	fprintf(out, "usage: set clock ID rate HZ | set clock ID enabled 0|1 | "
		"set power ID state on|off|N | set perf ID level N | "
		"set perf ID limits MIN MAX | set sensor ID value N|auto | "
		"set reset ID state asserted|deasserted | "
		"set voltage ID level UV | set voltage ID config on|off | "
		"set powercap ID cap|pai N | set powercap ID power N|auto | "
		"set system 0 state N\n");
	return -1;
}

/**
 * se_dump_state() - the "state" control command: one line per resource
 * @e: engine
 * @out: destination
 * @now: CLOCK_MONOTONIC ns (sensor values and measured power)
 */
void se_dump_state(const struct scmi_engine *e, FILE *out, uint64_t now)
{
	const struct se_resources *r = &e->r;
	int i, j;

	fprintf(out, "platform vendor=%s sub_vendor=%s impl_version=0x%08x agent=%s"
		" clock_max_async=%u protocols=", r->vendor, r->sub_vendor,
		r->impl_version, r->agent_name, r->clock_max_async);
	for (i = 1, j = 0; i < SE_NPROTO; i++)
		if (r->protocols & (1u << i))
			fprintf(out, "%s%s", j++ ? "," : "", protos[i].name);
	fprintf(out, " system_state=%u notify=%d/%d delay_us=%u max_msg=%u\n",
		r->sys_state, r->base_ntf, r->sys_ntf, r->delay_us, r->max_msg);
	for (i = 0; i < r->nclk; i++) {
		const struct se_clock *k = &r->clk[i];

		fprintf(out, "clock %d %s ", i, k->name);
		if (k->discrete) {
			fprintf(out, "rates=");
			for (j = 0; j < k->nrates; j++)
				fprintf(out, "%s%" PRIu64, j ? "," : "", k->rates[j]);
		} else {
			fprintf(out, "range=%" PRIu64 ",%" PRIu64 ",%" PRIu64,
				k->min, k->max, k->step);
		}
		fprintf(out, " rate=%" PRIu64 " enabled=%d latency_us=%u notify=%d"
			" ntf=%d/%d\n", k->rate, k->enabled, k->latency_us,
			k->notify_ok, k->ntf_rate, k->ntf_req);
	}
	for (i = 0; i < r->npwr; i++) {
		const struct se_power *d = &r->pwr[i];

		fprintf(out, "power %d %s state=0x%08x (%s) async=%d sync=%d notify=%d"
			" ntf=%d\n", i, d->name, d->state,
			d->state == POWER_ON ? "on" : "off", d->async_ok,
			d->sync_ok, d->notify_ok, d->ntf);
	}
	for (i = 0; i < r->nperf; i++) {
		const struct se_perf *d = &r->perf[i];

		fprintf(out, "perf %d %s opps=", i, d->name);
		for (j = 0; j < d->nopps; j++)
			fprintf(out, "%s%u:%u:%u:%u", j ? "," : "",
				d->opps[j].level, d->opps[j].freq_khz,
				d->opps[j].power, d->opps[j].latency_us);
		fprintf(out, " level=%u limits=%u,%u sustained=%u rate_limit_us=%u"
			" set_level=%d set_limits=%d notify=%d ntf=%d/%d\n",
			d->level, d->lim_min, d->lim_max, d->sustained,
			d->rate_limit_us, d->set_level_ok, d->set_limits_ok,
			d->notify_ok, d->ntf_lim, d->ntf_lvl);
	}
	for (i = 0; i < r->nsens; i++) {
		const struct se_sensor *s = &r->sens[i];

		fprintf(out, "sensor %d %s type=%u scale=%d base=%" PRId64
			" amplitude=%" PRId64 " period_ms=%u value=%" PRId64
			" async=%d notify=%d config=0x%08x trips=%d", i, s->name,
			s->type, s->scale, s->base, s->amplitude, s->period_ms,
			se_sensor_value(s, now), s->async_ok, s->notify_ok,
			s->config, s->ntrips);
		for (j = 0; j < s->ntrips; j++)
			fprintf(out, "%s%u:%" PRId64, j ? "," : " trip=",
				s->trip[j].mode, s->trip[j].value);
		fprintf(out, " ntf=%d/%d%s\n", s->ntf_trip, s->ntf_update,
			s->override ? " override" : "");
	}
	for (i = 0; i < r->nrst; i++) {
		const struct se_reset *d = &r->rst[i];

		fprintf(out, "reset %d %s latency_us=%u async=%d notify=%d state=%s"
			" resets=%u ntf=%d\n", i, d->name, d->latency_us,
			d->async_ok, d->notify_ok,
			d->asserted ? "asserted" : "deasserted", d->resets, d->ntf);
	}
	for (i = 0; i < r->nvolt; i++) {
		const struct se_voltage *d = &r->volt[i];

		fprintf(out, "voltage %d %s ", i, d->name);
		if (d->segmented) {
			fprintf(out, "range=%d,%d,%d", d->min, d->max, d->step);
		} else {
			fprintf(out, "levels=");
			for (j = 0; j < d->nlevels; j++)
				fprintf(out, "%s%d", j ? "," : "", d->levels[j]);
		}
		fprintf(out, " level=%d config=%s async=%d\n", d->level,
			d->config == 7 ? "on" : "off", d->async_ok);
	}
	for (i = 0; i < r->npcap; i++) {
		const struct se_powercap *d = &r->pcap[i];

		fprintf(out, "powercap %d %s cap=%u cap_range=%u,%u,%u pai=%u"
			" pai_range=%u,%u,%u unit=%u sustainable=%u accuracy=%u"
			" parent=0x%x power=%u power_base=%u power_amp=%u"
			" period_ms=%u async=%d notify=%d monitor=%d ntf=%d/%d\n",
			i, d->name, d->cap, d->cap_min, d->cap_max, d->cap_step,
			d->pai, d->pai_min, d->pai_max, d->pai_step, d->unit,
			d->sustainable, d->accuracy, d->parent,
			se_pcap_power(d, now), d->power_base, d->power_amp,
			d->period_ms, d->async_ok, d->notify_ok, d->monitor_ok,
			d->ntf_cap, d->ntf_meas);
	}
}
