// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - resource set: the INI-like config file parser and the built-in
 * default set (which is itself parsed from default_conf[], the same text as
 * tests/platform/scmi/default.conf).
 *
 * Every error is reported as "file:line: reason" and rejects the file.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#include "default_conf.h"	/* static const char default_conf[] */

enum kind { K_NONE, K_PLATFORM, K_CLOCK, K_POWER, K_PERF, K_SENSOR, K_RESET,
	    K_VOLTAGE, K_POWERCAP };

static const char *const kind_names[] = {
	"", "platform", "clock", "power", "perf", "sensor", "reset", "voltage",
	"powercap",
};

struct parser {
	const char *file;
	int line;
	char *err;
	size_t errlen;
	struct se_resources *r;
	enum kind kind;
	int idx;		/* resource index in its kind */
	int sect_line;
	char seen[32][24];	/* keys seen in this section */
	int nseen;
	bool platform_seen;
	/* section-local presence flags for validation */
	bool has_rate, has_range, has_rates, has_level, has_limits, has_cap,
	     has_pai, has_sustained, has_levels;
};

static int fail(struct parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#include <stdarg.h>

static int fail(struct parser *ps, int line, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (ps->err && ps->errlen) {
		n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->file, line);
		if (n < 0 || (size_t)n >= ps->errlen)
			return -1;
		va_start(ap, fmt);
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static bool tok_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static bool tok_s64(const char *s, int64_t *v)
{
	char *end;

	if (!*s)
		return false;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return !errno && !*end;
}

/* split @s on blanks/commas into at most @max tokens */
static int split(char *s, char **tok, int max)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, " \t,", &save); t; t = strtok_r(NULL, " \t,", &save)) {
		if (n == max)
			return max + 1;
		tok[n++] = t;
	}
	return n;
}

static int get_u64(struct parser *ps, const char *key, char *val, uint64_t min,
		   uint64_t max, uint64_t *out)
{
	if (!tok_u64(val, out))
		return fail(ps, ps->line, "%s: bad number '%s'", key, val);
	if (*out < min || *out > max)
		return fail(ps, ps->line, "%s: %s out of range %" PRIu64 "..%" PRIu64,
			    key, val, min, max);
	return 0;
}

static int get_u32(struct parser *ps, const char *key, char *val, uint32_t min,
		   uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (get_u64(ps, key, val, min, max, &v))
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int get_s64(struct parser *ps, const char *key, char *val, int64_t min,
		   int64_t max, int64_t *out)
{
	if (!tok_s64(val, out))
		return fail(ps, ps->line, "%s: bad number '%s'", key, val);
	if (*out < min || *out > max)
		return fail(ps, ps->line, "%s: %s out of range %" PRId64 "..%" PRId64,
			    key, val, min, max);
	return 0;
}

static int get_bool(struct parser *ps, const char *key, const char *val,
		    bool *out)
{
	if (!strcmp(val, "yes") || !strcmp(val, "1") || !strcmp(val, "true") ||
	    !strcmp(val, "on"))
		*out = true;
	else if (!strcmp(val, "no") || !strcmp(val, "0") ||
		 !strcmp(val, "false") || !strcmp(val, "off"))
		*out = false;
	else
		return fail(ps, ps->line, "%s: expected yes or no, got '%s'",
			    key, val);
	return 0;
}

static int get_str(struct parser *ps, const char *key, const char *val,
		   char *dst, size_t size)
{
	const char *p;

	if (!*val)
		return fail(ps, ps->line, "%s: empty", key);
	if (strlen(val) >= size)
		return fail(ps, ps->line, "%s: '%s' longer than %zu characters",
			    key, val, size - 1);
	for (p = val; *p; p++)
		if (!isgraph((unsigned char)*p))
			return fail(ps, ps->line,
				    "%s: '%s' has a blank or control character",
				    key, val);
	strcpy(dst, val);
	return 0;
}

/* N numbers exactly */
static int get_tuple(struct parser *ps, const char *key, char *val, int n,
		     int64_t *out, int64_t min, int64_t max)
{
	char *tok[8];
	int k = split(val, tok, 8), i;

	if (k != n)
		return fail(ps, ps->line, "%s: expected %d numbers, got %d", key,
			    n, k > 8 ? 9 : k);
	for (i = 0; i < n; i++)
		if (get_s64(ps, key, tok[i], min, max, &out[i]))
			return -1;
	return 0;
}

static const char *res_name(struct parser *ps)
{
	struct se_resources *r = ps->r;

	switch (ps->kind) {
	case K_CLOCK:
		return r->clk[ps->idx].name;
	case K_POWER:
		return r->pwr[ps->idx].name;
	case K_PERF:
		return r->perf[ps->idx].name;
	case K_SENSOR:
		return r->sens[ps->idx].name;
	case K_RESET:
		return r->rst[ps->idx].name;
	case K_VOLTAGE:
		return r->volt[ps->idx].name;
	case K_POWERCAP:
		return r->pcap[ps->idx].name;
	default:
		return "";
	}
}

/* Check a finished section; errors point at its header line. */
static int section_end(struct parser *ps)
{
	struct se_resources *r = ps->r;
	const char *name = res_name(ps);
	int i, l = ps->sect_line;
	const char *kn = kind_names[ps->kind];

	if (ps->kind == K_NONE || ps->kind == K_PLATFORM)
		return 0;
	if (!*name)
		return fail(ps, l, "[%s] section without name=", kn);
	switch (ps->kind) {
	case K_CLOCK: {
		struct se_clock *k = &r->clk[ps->idx];
		uint64_t lo, hi;

		if (ps->has_rates == ps->has_range)
			return fail(ps, l, "clock '%s': give exactly one of rates= or range=",
				    name);
		lo = k->discrete ? k->rates[0] : k->min;
		hi = k->discrete ? k->rates[k->nrates - 1] : k->max;
		if (!ps->has_rate)
			k->rate = lo;
		if (k->rate < lo || k->rate > hi)
			return fail(ps, l, "clock '%s': rate %" PRIu64 " outside %" PRIu64
				    "..%" PRIu64, name, k->rate, lo, hi);
		if (k->discrete) {
			for (i = 0; i < k->nrates && k->rates[i] != k->rate; i++)
				;
			if (i == k->nrates)
				return fail(ps, l, "clock '%s': rate %" PRIu64
					    " is not one of its rates", name, k->rate);
		} else if ((k->rate - k->min) % k->step) {
			return fail(ps, l, "clock '%s': rate %" PRIu64
				    " is not min + n * step", name, k->rate);
		}
		break;
	}
	case K_PERF: {
		struct se_perf *d = &r->perf[ps->idx];
		bool found = false;

		if (!d->nopps)
			return fail(ps, l, "perf '%s': no opp= lines", name);
		if (!ps->has_sustained)
			d->sustained = d->opps[d->nopps - 1].level;
		if (!ps->has_limits) {
			d->lim_min = d->opps[0].level;
			d->lim_max = d->opps[d->nopps - 1].level;
		}
		if (!ps->has_level)
			d->level = d->sustained;
		if (d->lim_min > d->lim_max || d->lim_min < d->opps[0].level ||
		    d->lim_max > d->opps[d->nopps - 1].level)
			return fail(ps, l, "perf '%s': limits %u..%u outside the OPP table",
				    name, d->lim_min, d->lim_max);
		for (i = 0; i < d->nopps; i++) {
			if (d->opps[i].level == d->level)
				found = true;
		}
		if (!found)
			return fail(ps, l, "perf '%s': level %u is not an OPP level",
				    name, d->level);
		if (d->level < d->lim_min || d->level > d->lim_max)
			return fail(ps, l, "perf '%s': level %u outside the limits",
				    name, d->level);
		for (i = 0, found = false; i < d->nopps; i++)
			if (d->opps[i].level == d->sustained)
				found = true;
		if (!found)
			return fail(ps, l, "perf '%s': sustained %u is not an OPP level",
				    name, d->sustained);
		break;
	}
	case K_VOLTAGE: {
		struct se_voltage *d = &r->volt[ps->idx];
		bool ok = false;

		if (ps->has_levels == ps->has_range)
			return fail(ps, l, "voltage '%s': give exactly one of levels= or range=",
				    name);
		if (!ps->has_level)
			d->level = d->segmented ? d->min : d->levels[0];
		if (d->segmented)
			ok = d->level >= d->min && d->level <= d->max &&
			     ((int64_t)d->level - d->min) % d->step == 0;
		for (i = 0; !d->segmented && i < d->nlevels; i++)
			ok |= d->levels[i] == d->level;
		if (!ok)
			return fail(ps, l, "voltage '%s': level %d is not a valid level",
				    name, d->level);
		break;
	}
	case K_POWERCAP: {
		struct se_powercap *d = &r->pcap[ps->idx];

		if (!ps->has_cap || !ps->has_pai)
			return fail(ps, l, "powercap '%s': cap_range= and pai_range= are required",
				    name);
		if (d->cap == UINT32_MAX)
			d->cap = d->cap_max;
		if (d->pai == UINT32_MAX)
			d->pai = d->pai_min;
		if (d->cap && (d->cap < d->cap_min || d->cap > d->cap_max ||
			       (d->cap_step && (d->cap - d->cap_min) % d->cap_step)))
			return fail(ps, l, "powercap '%s': cap %u is not in cap_range",
				    name, d->cap);
		if (d->cap == 0 && d->cap_min == d->cap_max)
			return fail(ps, l, "powercap '%s': cap 0 (disabled) needs a configurable cap_range",
				    name);
		if (d->pai < d->pai_min || d->pai > d->pai_max ||
		    (d->pai_step && (d->pai - d->pai_min) % d->pai_step))
			return fail(ps, l, "powercap '%s': pai %u is not in pai_range",
				    name, d->pai);
		break;
	}
	default:
		break;
	}
	return 0;
}

static int range_check(struct parser *ps, const char *key, int64_t min,
		       int64_t max, int64_t step)
{
	if (min > max)
		return fail(ps, ps->line, "%s: min > max", key);
	if (min < max && step <= 0)
		return fail(ps, ps->line, "%s: step must be > 0", key);
	if (min < max && (max - min) % step)
		return fail(ps, ps->line, "%s: max is not min + n * step", key);
	return 0;
}

static int dup_name(struct parser *ps, const char *name)
{
	struct se_resources *r = ps->r;
	int i, n;

	switch (ps->kind) {
	case K_CLOCK:
		n = r->nclk;
		break;
	case K_POWER:
		n = r->npwr;
		break;
	case K_PERF:
		n = r->nperf;
		break;
	case K_SENSOR:
		n = r->nsens;
		break;
	case K_RESET:
		n = r->nrst;
		break;
	case K_VOLTAGE:
		n = r->nvolt;
		break;
	case K_POWERCAP:
		n = r->npcap;
		break;
	default:
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (i == ps->idx)
			continue;
		if (!strcmp(name, ps->kind == K_CLOCK ? r->clk[i].name :
			    ps->kind == K_POWER ? r->pwr[i].name :
			    ps->kind == K_PERF ? r->perf[i].name :
			    ps->kind == K_SENSOR ? r->sens[i].name :
			    ps->kind == K_RESET ? r->rst[i].name :
			    ps->kind == K_VOLTAGE ? r->volt[i].name :
			    r->pcap[i].name))
			return fail(ps, ps->line, "name: duplicate %s name '%s'",
				    kind_names[ps->kind], name);
	}
	return 0;
}

static int section_begin(struct parser *ps, const char *sect)
{
	struct se_resources *r = ps->r;
	int k, *cnt = NULL;

	for (k = K_PLATFORM; k <= K_POWERCAP; k++)
		if (!strcmp(sect, kind_names[k]))
			break;
	if (k > K_POWERCAP)
		return fail(ps, ps->line, "unknown section [%s]", sect);
	ps->kind = (enum kind)k;
	ps->sect_line = ps->line;
	ps->nseen = 0;
	ps->has_rate = ps->has_range = ps->has_rates = ps->has_level = false;
	ps->has_limits = ps->has_cap = ps->has_pai = ps->has_sustained = false;
	ps->has_levels = false;
	switch (ps->kind) {
	case K_PLATFORM:
		if (ps->platform_seen)
			return fail(ps, ps->line, "second [platform] section");
		ps->platform_seen = true;
		return 0;
	case K_CLOCK:
		cnt = &r->nclk;
		break;
	case K_POWER:
		cnt = &r->npwr;
		break;
	case K_PERF:
		cnt = &r->nperf;
		break;
	case K_SENSOR:
		cnt = &r->nsens;
		break;
	case K_RESET:
		cnt = &r->nrst;
		break;
	case K_VOLTAGE:
		cnt = &r->nvolt;
		break;
	case K_POWERCAP:
		cnt = &r->npcap;
		break;
	default:
		break;
	}
	if (*cnt >= SE_MAX_RES)
		return fail(ps, ps->line, "too many [%s] sections (max %d)", sect,
			    SE_MAX_RES);
	ps->idx = (*cnt)++;
	switch (ps->kind) {
	case K_CLOCK: {
		struct se_clock *c = &r->clk[ps->idx];

		memset(c, 0, sizeof(*c));
		c->enabled = true;
		c->notify_ok = true;
		break;
	}
	case K_POWER: {
		struct se_power *d = &r->pwr[ps->idx];

		memset(d, 0, sizeof(*d));
		d->state = POWER_ON;
		d->async_ok = d->sync_ok = d->notify_ok = true;
		break;
	}
	case K_PERF: {
		struct se_perf *d = &r->perf[ps->idx];

		memset(d, 0, sizeof(*d));
		d->set_level_ok = d->set_limits_ok = d->notify_ok = true;
		break;
	}
	case K_SENSOR: {
		struct se_sensor *s = &r->sens[ps->idx];

		memset(s, 0, sizeof(*s));
		s->type = 2;
		s->period_ms = 10000;
		s->notify_ok = true;
		s->config = 1u << 16 | 1;	/* 1 s, enabled */
		break;
	}
	case K_RESET: {
		struct se_reset *d = &r->rst[ps->idx];

		memset(d, 0, sizeof(*d));
		d->async_ok = d->notify_ok = true;
		break;
	}
	case K_VOLTAGE: {
		struct se_voltage *d = &r->volt[ps->idx];

		memset(d, 0, sizeof(*d));
		d->config = 7;
		break;
	}
	case K_POWERCAP: {
		struct se_powercap *d = &r->pcap[ps->idx];

		memset(d, 0, sizeof(*d));
		d->cap = d->pai = UINT32_MAX;
		d->unit = 2;
		d->parent = 0xffffffffu;
		d->period_ms = 10000;
		d->notify_ok = d->monitor_ok = true;
		d->sustainable = 0;
		d->power_base = 0;
		break;
	}
	default:
		break;
	}
	return 0;
}

static int kv_platform(struct parser *ps, const char *k, char *v)
{
	struct se_resources *r = ps->r;
	char *tok[16];
	int n, i, p;

	if (!strcmp(k, "vendor"))
		return get_str(ps, k, v, r->vendor, SE_SHORT_NAME);
	if (!strcmp(k, "sub_vendor"))
		return get_str(ps, k, v, r->sub_vendor, SE_SHORT_NAME);
	if (!strcmp(k, "agent_name"))
		return get_str(ps, k, v, r->agent_name, SE_SHORT_NAME);
	if (!strcmp(k, "impl_version"))
		return get_u32(ps, k, v, 0, UINT32_MAX, &r->impl_version);
	if (!strcmp(k, "clock_max_async"))
		return get_u32(ps, k, v, 0, 255, &r->clock_max_async);
	if (!strcmp(k, "delay_us"))
		return get_u32(ps, k, v, 0, 60000000, &r->delay_us);
	if (!strcmp(k, "max_msg"))
		return get_u32(ps, k, v, 32, SCMI_ENGINE_MAX_SDU - 8, &r->max_msg);
	if (!strcmp(k, "protocols")) {
		n = split(v, tok, 16);
		if (n > 16)
			return fail(ps, ps->line, "protocols: too many");
		r->protocols = 1;	/* base */
		for (i = 0; i < n; i++) {
			p = se_proto_parse(tok[i]);
			if (p < 0 || p == P_BASE)
				return fail(ps, ps->line,
					    "protocols: unknown protocol '%s'", tok[i]);
			r->protocols |= 1u << PIDX(p);
		}
		return 0;
	}
	return 1;
}

static int kv_clock(struct parser *ps, const char *k, char *v)
{
	struct se_clock *c = &ps->r->clk[ps->idx];
	char *tok[SE_MAX_RATES + 1];
	int64_t t[3];
	int n, i;

	if (!strcmp(k, "rates")) {
		n = split(v, tok, SE_MAX_RATES);
		if (n == 0 || n > SE_MAX_RATES)
			return fail(ps, ps->line, "rates: 1..%d rates expected",
				    SE_MAX_RATES);
		for (i = 0; i < n; i++) {
			if (get_u64(ps, k, tok[i], 1, UINT64_MAX, &c->rates[i]))
				return -1;
			if (i && c->rates[i] <= c->rates[i - 1])
				return fail(ps, ps->line,
					    "rates: must be strictly ascending");
		}
		c->nrates = n;
		c->discrete = true;
		ps->has_rates = true;
		return 0;
	}
	if (!strcmp(k, "range")) {
		if (get_tuple(ps, k, v, 3, t, 0, INT64_MAX) ||
		    range_check(ps, k, t[0], t[1], t[2]))
			return -1;
		if (!t[0])
			return fail(ps, ps->line, "%s: min must be > 0", k);
		c->min = (uint64_t)t[0];
		c->max = (uint64_t)t[1];
		c->step = t[0] == t[1] ? 1 : (uint64_t)t[2];
		c->discrete = false;
		ps->has_range = true;
		return 0;
	}
	if (!strcmp(k, "rate")) {
		ps->has_rate = true;
		return get_u64(ps, k, v, 1, UINT64_MAX, &c->rate);
	}
	if (!strcmp(k, "enabled"))
		return get_bool(ps, k, v, &c->enabled);
	if (!strcmp(k, "latency_us"))
		return get_u32(ps, k, v, 0, UINT32_MAX, &c->latency_us);
	if (!strcmp(k, "notify"))
		return get_bool(ps, k, v, &c->notify_ok);
	return 1;
}

static int kv_power(struct parser *ps, const char *k, char *v)
{
	struct se_power *d = &ps->r->pwr[ps->idx];

	if (!strcmp(k, "state")) {
		if (!strcmp(v, "on"))
			d->state = POWER_ON;
		else if (!strcmp(v, "off"))
			d->state = POWER_OFF;
		else
			return fail(ps, ps->line, "state: expected on or off, got '%s'", v);
		return 0;
	}
	if (!strcmp(k, "async"))
		return get_bool(ps, k, v, &d->async_ok);
	if (!strcmp(k, "sync"))
		return get_bool(ps, k, v, &d->sync_ok);
	if (!strcmp(k, "notify"))
		return get_bool(ps, k, v, &d->notify_ok);
	return 1;
}

static int kv_perf(struct parser *ps, const char *k, char *v)
{
	struct se_perf *d = &ps->r->perf[ps->idx];
	int64_t t[4];

	if (!strcmp(k, "opp")) {
		if (d->nopps >= SE_MAX_OPPS)
			return fail(ps, ps->line, "opp: more than %d OPPs", SE_MAX_OPPS);
		if (get_tuple(ps, k, v, 4, t, 0, UINT32_MAX))
			return -1;
		if (!t[0] || !t[1])
			return fail(ps, ps->line, "opp: level and freq_khz must be > 0");
		if (t[3] > 0xffff)
			return fail(ps, ps->line, "opp: latency_us above 65535");
		if (d->nopps && t[0] <= d->opps[d->nopps - 1].level)
			return fail(ps, ps->line, "opp: levels must be strictly ascending");
		d->opps[d->nopps].level = (uint32_t)t[0];
		d->opps[d->nopps].freq_khz = (uint32_t)t[1];
		d->opps[d->nopps].power = (uint32_t)t[2];
		d->opps[d->nopps].latency_us = (uint32_t)t[3];
		d->nopps++;
		return 0;
	}
	if (!strcmp(k, "level")) {
		ps->has_level = true;
		return get_u32(ps, k, v, 0, UINT32_MAX, &d->level);
	}
	if (!strcmp(k, "limits")) {
		if (get_tuple(ps, k, v, 2, t, 0, UINT32_MAX))
			return -1;
		d->lim_min = (uint32_t)t[0];
		d->lim_max = (uint32_t)t[1];
		ps->has_limits = true;
		return 0;
	}
	if (!strcmp(k, "sustained")) {
		ps->has_sustained = true;
		return get_u32(ps, k, v, 0, UINT32_MAX, &d->sustained);
	}
	if (!strcmp(k, "rate_limit_us"))
		return get_u32(ps, k, v, 0, 0xfffff, &d->rate_limit_us);
	if (!strcmp(k, "set_level"))
		return get_bool(ps, k, v, &d->set_level_ok);
	if (!strcmp(k, "set_limits"))
		return get_bool(ps, k, v, &d->set_limits_ok);
	if (!strcmp(k, "notify"))
		return get_bool(ps, k, v, &d->notify_ok);
	return 1;
}

static int kv_sensor(struct parser *ps, const char *k, char *v)
{
	struct se_sensor *s = &ps->r->sens[ps->idx];
	int64_t x;
	uint32_t u;

	if (!strcmp(k, "type")) {
		if (get_u32(ps, k, v, 0, 255, &u))
			return -1;
		s->type = (uint8_t)u;
		return 0;
	}
	if (!strcmp(k, "scale")) {
		if (get_s64(ps, k, v, -16, 15, &x))
			return -1;
		s->scale = (int8_t)x;
		return 0;
	}
	if (!strcmp(k, "value"))
		return get_s64(ps, k, v, INT32_MIN, INT32_MAX, &s->base);
	if (!strcmp(k, "amplitude"))
		return get_s64(ps, k, v, 0, INT32_MAX, &s->amplitude);
	if (!strcmp(k, "period_ms"))
		return get_u32(ps, k, v, 1, 86400000, &s->period_ms);
	if (!strcmp(k, "async"))
		return get_bool(ps, k, v, &s->async_ok);
	if (!strcmp(k, "notify"))
		return get_bool(ps, k, v, &s->notify_ok);
	if (!strcmp(k, "trip_points")) {
		if (get_u32(ps, k, v, 0, SE_MAX_TRIPS, &u))
			return -1;
		s->ntrips = (int)u;
		return 0;
	}
	return 1;
}

static int kv_reset(struct parser *ps, const char *k, char *v)
{
	struct se_reset *d = &ps->r->rst[ps->idx];

	if (!strcmp(k, "latency_us"))
		return get_u32(ps, k, v, 0, UINT32_MAX, &d->latency_us);
	if (!strcmp(k, "async"))
		return get_bool(ps, k, v, &d->async_ok);
	if (!strcmp(k, "notify"))
		return get_bool(ps, k, v, &d->notify_ok);
	if (!strcmp(k, "asserted"))
		return get_bool(ps, k, v, &d->asserted);
	return 1;
}

static int kv_voltage(struct parser *ps, const char *k, char *v)
{
	struct se_voltage *d = &ps->r->volt[ps->idx];
	char *tok[SE_MAX_LEVELS + 1];
	int64_t t[3], x;
	int n, i;
	bool b;

	if (!strcmp(k, "levels")) {
		n = split(v, tok, SE_MAX_LEVELS);
		if (n == 0 || n > SE_MAX_LEVELS)
			return fail(ps, ps->line, "levels: 1..%d levels expected",
				    SE_MAX_LEVELS);
		for (i = 0; i < n; i++) {
			if (get_s64(ps, k, tok[i], INT32_MIN, INT32_MAX, &x))
				return -1;
			d->levels[i] = (int32_t)x;
			if (i && d->levels[i] <= d->levels[i - 1])
				return fail(ps, ps->line,
					    "levels: must be strictly ascending");
		}
		d->nlevels = n;
		d->segmented = false;
		ps->has_levels = true;
		return 0;
	}
	if (!strcmp(k, "range")) {
		if (get_tuple(ps, k, v, 3, t, INT32_MIN, INT32_MAX) ||
		    range_check(ps, k, t[0], t[1], t[2]))
			return -1;
		if (t[0] == t[1])
			return fail(ps, ps->line, "range: min == max, use levels=");
		d->min = (int32_t)t[0];
		d->max = (int32_t)t[1];
		d->step = (int32_t)t[2];
		d->segmented = true;
		ps->has_range = true;
		return 0;
	}
	if (!strcmp(k, "level")) {
		ps->has_level = true;
		if (get_s64(ps, k, v, INT32_MIN, INT32_MAX, &x))
			return -1;
		d->level = (int32_t)x;
		return 0;
	}
	if (!strcmp(k, "enabled")) {
		if (get_bool(ps, k, v, &b))
			return -1;
		d->config = b ? 7 : 0;
		return 0;
	}
	if (!strcmp(k, "async"))
		return get_bool(ps, k, v, &d->async_ok);
	return 1;
}

static int kv_powercap(struct parser *ps, const char *k, char *v)
{
	struct se_powercap *d = &ps->r->pcap[ps->idx];
	int64_t t[3];
	uint32_t u;

	if (!strcmp(k, "cap_range") || !strcmp(k, "pai_range")) {
		if (get_tuple(ps, k, v, 3, t, 0, UINT32_MAX) ||
		    range_check(ps, k, t[0], t[1], t[2]))
			return -1;
		if (!t[0])
			return fail(ps, ps->line, "%s: min must be > 0", k);
		if (k[0] == 'c') {
			d->cap_min = (uint32_t)t[0];
			d->cap_max = (uint32_t)t[1];
			d->cap_step = t[0] == t[1] ? 0 : (uint32_t)t[2];
			ps->has_cap = true;
		} else {
			d->pai_min = (uint32_t)t[0];
			d->pai_max = (uint32_t)t[1];
			d->pai_step = t[0] == t[1] ? 0 : (uint32_t)t[2];
			ps->has_pai = true;
		}
		return 0;
	}
	if (!strcmp(k, "cap"))
		return get_u32(ps, k, v, 0, UINT32_MAX - 1, &d->cap);
	if (!strcmp(k, "pai"))
		return get_u32(ps, k, v, 1, UINT32_MAX - 1, &d->pai);
	if (!strcmp(k, "unit")) {
		if (!strcmp(v, "mW"))
			d->unit = 2;
		else if (!strcmp(v, "uW"))
			d->unit = 1;
		else if (!strcmp(v, "abstract"))
			d->unit = 0;
		else
			return fail(ps, ps->line, "unit: expected mW, uW or abstract, got '%s'", v);
		return 0;
	}
	if (!strcmp(k, "sustainable"))
		return get_u32(ps, k, v, 0, UINT32_MAX, &d->sustainable);
	if (!strcmp(k, "accuracy"))
		return get_u32(ps, k, v, 0, UINT32_MAX, &d->accuracy);
	if (!strcmp(k, "parent")) {
		if (!strcmp(v, "none")) {
			d->parent = 0xffffffffu;
			return 0;
		}
		if (get_u32(ps, k, v, 0, SE_MAX_RES - 1, &u))
			return -1;
		if (u >= (uint32_t)ps->idx)
			return fail(ps, ps->line,
				    "parent: %u is not an earlier powercap domain", u);
		d->parent = u;
		return 0;
	}
	if (!strcmp(k, "power"))
		return get_u32(ps, k, v, 0, INT32_MAX, &d->power_base);
	if (!strcmp(k, "amplitude"))
		return get_u32(ps, k, v, 0, INT32_MAX, &d->power_amp);
	if (!strcmp(k, "period_ms"))
		return get_u32(ps, k, v, 1, 86400000, &d->period_ms);
	if (!strcmp(k, "async"))
		return get_bool(ps, k, v, &d->async_ok);
	if (!strcmp(k, "notify"))
		return get_bool(ps, k, v, &d->notify_ok);
	if (!strcmp(k, "monitor"))
		return get_bool(ps, k, v, &d->monitor_ok);
	return 1;
}

static int key_value(struct parser *ps, char *k, char *v)
{
	int i, ret;

	if (ps->kind == K_NONE)
		return fail(ps, ps->line, "'%s' before any [section]", k);
	if (strcmp(k, "opp")) {
		for (i = 0; i < ps->nseen; i++)
			if (!strcmp(ps->seen[i], k))
				return fail(ps, ps->line, "duplicate key '%s'", k);
		if (ps->nseen < 32 && strlen(k) < sizeof(ps->seen[0]))
			strcpy(ps->seen[ps->nseen++], k);
	}
	if (ps->kind != K_PLATFORM && !strcmp(k, "name")) {
		char *dst = (char *)res_name(ps);

		if (get_str(ps, k, v, dst, SE_NAME_MAX))
			return -1;
		return dup_name(ps, v);
	}
	switch (ps->kind) {
	case K_PLATFORM:
		ret = kv_platform(ps, k, v);
		break;
	case K_CLOCK:
		ret = kv_clock(ps, k, v);
		break;
	case K_POWER:
		ret = kv_power(ps, k, v);
		break;
	case K_PERF:
		ret = kv_perf(ps, k, v);
		break;
	case K_SENSOR:
		ret = kv_sensor(ps, k, v);
		break;
	case K_RESET:
		ret = kv_reset(ps, k, v);
		break;
	case K_VOLTAGE:
		ret = kv_voltage(ps, k, v);
		break;
	case K_POWERCAP:
		ret = kv_powercap(ps, k, v);
		break;
	default:
		ret = 1;
		break;
	}
	if (ret > 0)
		return fail(ps, ps->line, "unknown key '%s' in [%s]", k,
			    kind_names[ps->kind]);
	return ret;
}

static void platform_defaults(struct se_resources *r)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->vendor, "virtio-scmi");
	strcpy(r->sub_vendor, "test-platform");
	strcpy(r->agent_name, "OSPM");
	r->impl_version = 0x00010000;
	r->protocols = (1u << SE_NPROTO) - 1;
	r->clock_max_async = 4;
	r->delay_us = 1000;
	r->max_msg = SE_DEFAULT_MAX_MSG;
	r->sys_state = 3;	/* power up */
}

static int parse_text(const char *file, const char *text,
		      struct se_resources *r, char *err, size_t errlen)
{
	struct parser ps = { .file = file, .err = err, .errlen = errlen, .r = r };
	const char *p = text, *nl;
	char buf[1024], *line, *eq, *hash;
	size_t n;

	platform_defaults(r);
	for (ps.line = 1; *p; ps.line++, p = nl ? nl + 1 : p + n) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(buf))
			return fail(&ps, ps.line, "line longer than %zu characters",
				    sizeof(buf) - 1);
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (memchr(buf, '\0', n))
			return fail(&ps, ps.line, "NUL byte");
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		line = trim(buf);
		if (!*line) {
			if (!nl)
				break;
			continue;
		}
		if (*line == '[') {
			size_t l = strlen(line);

			if (line[l - 1] != ']')
				return fail(&ps, ps.line, "malformed section header");
			line[l - 1] = '\0';
			if (section_end(&ps))
				return -1;
			if (section_begin(&ps, trim(line + 1)))
				return -1;
		} else {
			eq = strchr(line, '=');
			if (!eq)
				return fail(&ps, ps.line, "expected key = value");
			*eq = '\0';
			if (!*trim(line))
				return fail(&ps, ps.line, "empty key");
			if (key_value(&ps, trim(line), trim(eq + 1)))
				return -1;
		}
		if (!nl)
			break;
	}
	return section_end(&ps);
}

/**
 * se_parse_config() - read a resource set from a config file
 * @path: file name
 * @r: filled in
 * @err: "file:line: reason" on error
 * @errlen: size of @err
 *
 * Return: 0 or -1.
 */
int se_parse_config(const char *path, struct se_resources *r, char *err,
		    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;
	int ret;

	if (!f) {
		snprintf(err, errlen, "%s:0: cannot open: %s", path, strerror(errno));
		return -1;
	}
	len = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
	if (len < 0 || len > (1 << 20) || fseek(f, 0, SEEK_SET)) {
		snprintf(err, errlen, "%s:0: unreadable or larger than 1 MiB", path);
		fclose(f);
		return -1;
	}
	text = malloc((size_t)len + 1);
	if (!text || fread(text, 1, (size_t)len, f) != (size_t)len) {
		snprintf(err, errlen, "%s:0: read error", path);
		free(text);
		fclose(f);
		return -1;
	}
	fclose(f);
	text[len] = '\0';
	if (strlen(text) != (size_t)len) {
		snprintf(err, errlen, "%s:0: NUL byte in file", path);
		free(text);
		return -1;
	}
	ret = parse_text(path, text, r, err, errlen);
	free(text);
	return ret;
}

/**
 * se_defaults() - the built-in resource set
 * @r: filled in
 */
void se_defaults(struct se_resources *r)
{
	char err[256];

	if (parse_text("<built-in>", default_conf, r, err, sizeof(err))) {
		fprintf(stderr, "scmi engine: built-in config broken: %s\n", err);
		abort();
	}
}

/**
 * se_normalize() - derived run-time fields after parsing
 * @r: resource set
 */
void se_normalize(struct se_resources *r)
{
	int i;

	for (i = 0; i < r->npcap; i++)
		r->pcap[i].meas_zone = 2;
}
