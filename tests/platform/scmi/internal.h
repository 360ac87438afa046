/* SPDX-License-Identifier: GPL-2.0 */
/*
 * internal.h - data model shared by the SCMI engine's source files.
 *
 * Every resource keeps its configured (initial) state and its current state
 * side by side; the configuration is a complete copy of the resource set, so
 * scmi_engine_reset() is one structure copy.
 */
#ifndef SCMI_ENGINE_INTERNAL_H
#define SCMI_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../scmi_engine.h"

#define SE_NAME_MAX		64	/* extended names, NUL included */
#define SE_SHORT_NAME		16	/* short names, NUL included */
#define SE_MAX_RES		32	/* resources of one kind */
#define SE_MAX_RATES		16	/* the 6.12 core takes at most 16 */
#define SE_MAX_OPPS		16
#define SE_MAX_LEVELS		16
#define SE_MAX_TRIPS		4
#define SE_MAX_EMITTERS		16
#define SE_P2A_BUF		64	/* largest P2A SDU the engine builds */
#define SE_NOTIF_CAP		4096	/* bounded notification queue */
#define SE_DRESP_CAP		2048	/* delayed responses held (never dropped) */
#define SE_DEFAULT_MAX_MSG	128	/* return values after the status word */

/* Protocol ids */
enum {
	P_BASE = 0x10, P_POWER = 0x11, P_SYSTEM = 0x12, P_PERF = 0x13,
	P_CLOCK = 0x14, P_SENSOR = 0x15, P_RESET = 0x16, P_VOLTAGE = 0x17,
	P_POWERCAP = 0x18,
};
#define SE_NPROTO	9
#define PIDX(p)		((p) - P_BASE)

/* SCMI status codes */
enum {
	S_SUCCESS = 0, S_NOT_SUPPORTED = -1, S_INVALID_PARAMETERS = -2,
	S_DENIED = -3, S_NOT_FOUND = -4, S_OUT_OF_RANGE = -5, S_BUSY = -6,
	S_COMMS_ERROR = -7, S_GENERIC_ERROR = -8, S_HARDWARE_ERROR = -9,
	S_PROTOCOL_ERROR = -10,
};

#define POWER_ON	0x00000000u
#define POWER_OFF	0x40000000u

/**
 * struct se_clock - a clock (protocol 0x14)
 * @name: name (extended when longer than 15)
 * @discrete: rates[] is a list, else min/max/step
 * @nrates: entries in @rates
 * @rates: discrete rates, ascending
 * @min: range low end
 * @max: range high end
 * @step: range step
 * @rate: current rate
 * @enabled: CLOCK_CONFIG state
 * @latency_us: enable latency reported in CLOCK_ATTRIBUTES
 * @notify_ok: rate (change requested) notifications supported
 * @ntf_rate: agent enabled RATE_CHANGED
 * @ntf_req: agent enabled RATE_CHANGE_REQUESTED
 */
struct se_clock {
	char name[SE_NAME_MAX];
	bool discrete;
	int nrates;
	uint64_t rates[SE_MAX_RATES];	/* discrete: ascending */
	uint64_t min, max, step;	/* range */
	uint64_t rate;
	bool enabled;
	uint32_t latency_us;
	bool notify_ok;			/* rate change notifications supported */
	bool ntf_rate, ntf_req;
};

/**
 * struct se_power - a power domain (protocol 0x11)
 * @name: name
 * @state: POWER_ON or POWER_OFF
 * @async_ok: asynchronous STATE_SET supported
 * @sync_ok: synchronous STATE_SET supported
 * @notify_ok: STATE_CHANGED notifications supported
 * @ntf: agent enabled STATE_CHANGED
 */
struct se_power {
	char name[SE_NAME_MAX];
	uint32_t state;
	bool async_ok, sync_ok, notify_ok;
	bool ntf;
};

/**
 * struct se_opp - a performance level
 * @level: performance level
 * @freq_khz: indicative frequency
 * @power: power cost (mW)
 * @latency_us: transition latency
 */
struct se_opp {
	uint32_t level, freq_khz, power, latency_us;
};

/**
 * struct se_perf - a performance domain (protocol 0x13)
 * @name: name
 * @nopps: entries in @opps
 * @opps: OPP table, ascending level
 * @level: current level
 * @lim_min: current lower limit
 * @lim_max: current upper limit
 * @sustained: the sustained level (an OPP level)
 * @rate_limit_us: reported rate limit
 * @set_level_ok: agent may set the level
 * @set_limits_ok: agent may set the limits
 * @notify_ok: notifications supported
 * @ntf_lim: agent enabled LIMITS_CHANGED
 * @ntf_lvl: agent enabled LEVEL_CHANGED
 */
struct se_perf {
	char name[SE_NAME_MAX];
	int nopps;
	struct se_opp opps[SE_MAX_OPPS];	/* ascending level */
	uint32_t level, lim_min, lim_max;
	uint32_t sustained;			/* a level of the table */
	uint32_t rate_limit_us;
	bool set_level_ok, set_limits_ok, notify_ok;
	bool ntf_lim, ntf_lvl;
};

/**
 * struct se_trip - a sensor trip point
 * @mode: 0 off, 1 rising, 2 falling, 3 both
 * @value: threshold
 */
struct se_trip {
	uint8_t mode;		/* 0 off, 1 rising, 2 falling, 3 both */
	int64_t value;
};

/**
 * struct se_sensor - a scalar sensor (protocol 0x15)
 * @name: name
 * @type: SCMI sensor class
 * @scale: power-of-ten exponent
 * @base: centre of the value wave
 * @amplitude: half height of the wave
 * @period_ms: wave period
 * @async_ok: asynchronous READING_GET supported
 * @notify_ok: continuous update notifications supported
 * @ntrips: trip points
 * @trip: their configuration
 * @override: @override_value replaces the wave
 * @override_value: value set by the "set" control command
 * @config: SENSOR_CONFIG word (interval, rounding, timestamp, enable)
 * @ntf_trip: agent enabled trip point events
 * @ntf_update: agent enabled SENSOR_UPDATE
 * @have_last: @last is valid
 * @last: value at the previous trip evaluation
 * @next_update: due time of the next SENSOR_UPDATE (0: not scheduled)
 */
struct se_sensor {
	char name[SE_NAME_MAX];
	uint8_t type;
	int8_t scale;
	int64_t base, amplitude;
	uint32_t period_ms;
	bool async_ok, notify_ok;
	int ntrips;
	struct se_trip trip[SE_MAX_TRIPS];
	bool override;
	int64_t override_value;
	uint32_t config;	/* SENSOR_CONFIG: interval, round, tstamp, enable */
	bool ntf_trip, ntf_update;
	/* run time only */
	bool have_last;
	int64_t last;
	uint64_t next_update;
};

/**
 * struct se_reset - a reset domain (protocol 0x16)
 * @name: name
 * @latency_us: reported latency
 * @async_ok: asynchronous RESET supported
 * @notify_ok: RESET_ISSUED notifications supported
 * @asserted: reset line state
 * @resets: autonomous resets done
 * @ntf: agent enabled RESET_ISSUED
 */
struct se_reset {
	char name[SE_NAME_MAX];
	uint32_t latency_us;
	bool async_ok, notify_ok;
	bool asserted;
	uint32_t resets;	/* completed resets (state dump) */
	bool ntf;
};

/**
 * struct se_voltage - a voltage domain (protocol 0x17)
 * @name: name
 * @segmented: min/max/step, else @levels
 * @nlevels: entries in @levels
 * @levels: discrete levels (uV), ascending
 * @min: range low end (uV)
 * @max: range high end (uV)
 * @step: range step (uV)
 * @level: current level (uV)
 * @config: 7 on, 0 off
 * @async_ok: asynchronous LEVEL_SET supported
 */
struct se_voltage {
	char name[SE_NAME_MAX];
	bool segmented;
	int nlevels;
	int32_t levels[SE_MAX_LEVELS];
	int32_t min, max, step;
	int32_t level;
	uint32_t config;	/* 0x7 on, 0x0 off */
	bool async_ok;
};

/**
 * struct se_powercap - a powercap domain (protocol 0x18)
 * @name: name
 * @cap_min: lowest cap
 * @cap_max: highest cap
 * @cap_step: cap step (0 when not configurable)
 * @cap: current cap, 0 when capping is disabled
 * @pai_min: lowest averaging interval (us)
 * @pai_max: highest averaging interval
 * @pai_step: its step (0 when not configurable)
 * @pai: current averaging interval
 * @unit: 0 abstract, 1 uW, 2 mW
 * @sustainable: reported sustainable power
 * @accuracy: reported accuracy
 * @parent: parent domain id, 0xffffffff for the root
 * @power_base: centre of the measured power wave
 * @power_amp: half height of the wave
 * @period_ms: wave period
 * @async_ok: asynchronous CAP_SET supported
 * @notify_ok: notifications supported
 * @monitor_ok: MEASUREMENTS_GET supported
 * @override: @override_power replaces the wave
 * @override_power: power set by the "set" control command
 * @ntf_cap: agent enabled CAP_CHANGED
 * @ntf_meas: agent enabled MEASUREMENTS_CHANGED
 * @th_low: lower measurement threshold
 * @th_high: upper measurement threshold
 * @meas_zone: -1 below, 0 inside, 1 above the thresholds, 2 unknown
 */
struct se_powercap {
	char name[SE_NAME_MAX];
	uint32_t cap_min, cap_max, cap_step, cap;	/* cap 0: disabled */
	uint32_t pai_min, pai_max, pai_step, pai;
	uint32_t unit;		/* 0 abstract, 1 uW, 2 mW */
	uint32_t sustainable, accuracy, parent;
	uint32_t power_base, power_amp, period_ms;
	bool async_ok, notify_ok, monitor_ok;
	bool override;
	uint32_t override_power;
	bool ntf_cap, ntf_meas;
	uint32_t th_low, th_high;
	int meas_zone;		/* -1 below, 0 inside, 1 above, 2 unknown */
};

/**
 * struct se_resources - the whole resource set (configured or current)
 * @vendor: DISCOVER_VENDOR
 * @sub_vendor: DISCOVER_SUB_VENDOR
 * @agent_name: DISCOVER_AGENT name of agent 1
 * @impl_version: DISCOVER_IMPLEMENTATION_VERSION
 * @protocols: bit PIDX(p) set: protocol p listed and served
 * @clock_max_async: clock protocol max_async_req
 * @delay_us: initial delayed-response delay (engine setting)
 * @max_msg: initial max-msg (engine setting)
 * @sys_state: SYSTEM_POWER_STATE_GET value
 * @sys_ntf: agent enabled system power notifications
 * @base_ntf: agent enabled base error notifications
 * @nclk: clocks
 * @npwr: power domains
 * @nperf: performance domains
 * @nsens: sensors
 * @nrst: reset domains
 * @nvolt: voltage domains
 * @npcap: powercap domains
 * @clk: clocks
 * @pwr: power domains
 * @perf: performance domains
 * @sens: sensors
 * @rst: reset domains
 * @volt: voltage domains
 * @pcap: powercap domains
 */
struct se_resources {
	char vendor[SE_SHORT_NAME];
	char sub_vendor[SE_SHORT_NAME];
	char agent_name[SE_SHORT_NAME];
	uint32_t impl_version;
	uint32_t protocols;		/* bit PIDX(p) set: protocol listed */
	uint32_t clock_max_async;
	uint32_t delay_us, max_msg;
	uint32_t sys_state;		/* last SYSTEM_POWER_STATE_SET */
	bool sys_ntf, base_ntf;
	int nclk, npwr, nperf, nsens, nrst, nvolt, npcap;
	struct se_clock clk[SE_MAX_RES];
	struct se_power pwr[SE_MAX_RES];
	struct se_perf perf[SE_MAX_RES];
	struct se_sensor sens[SE_MAX_RES];
	struct se_reset rst[SE_MAX_RES];
	struct se_voltage volt[SE_MAX_RES];
	struct se_powercap pcap[SE_MAX_RES];
};

/**
 * struct se_p2a - a queued platform-to-agent message
 * @due: CLOCK_MONOTONIC ns from which it may be popped
 * @len: SDU length
 * @buf: the SDU
 */
struct se_p2a {
	uint64_t due;
	uint16_t len;
	uint8_t buf[SE_P2A_BUF];
};

/**
 * struct se_emitter - a "notify-rate" notification source
 * @active: slot in use
 * @force: ignore the agent's enables
 * @proto: protocol id
 * @id: resource id
 * @event: event index
 * @rate: notifications per second
 * @start: first emission time
 * @end: end of the emission window
 * @total: notifications to emit
 * @done: notifications emitted so far
 */
struct se_emitter {
	bool active, force;
	uint8_t proto;
	uint32_t id;
	int event;
	uint64_t rate, start, end, total, done;
};

/**
 * struct se_inject - an "inject" control command entry
 * @proto: protocol id
 * @msg: message id
 * @status: error status to answer
 * @count: commands still to answer so, 0 when the slot is free
 */
struct se_inject {
	uint8_t proto, msg;
	int32_t status;
	uint32_t count;		/* 0: slot free */
};
#define SE_MAX_INJECT	16

/**
 * struct scmi_engine - the engine (opaque to the daemon)
 * @cfg: resource set as configured
 * @r: current resource set
 * @p2a: P2A channel negotiated
 * @delay_ns: delayed-response delay
 * @max_msg: largest return-value size of list replies (status included)
 * @notif_limit: notification queue bound
 * @dresp: delayed responses, sorted by due time
 * @dresp_head: ring index of the oldest
 * @dresp_count: queued delayed responses
 * @notif: notifications, FIFO ring
 * @notif_head: ring index of the oldest
 * @notif_count: queued notifications
 * @emit: notify-rate emitters
 * @inject: error injections
 * @ninject: injection slots in use
 * @injected: commands answered by an injection
 * @timer_due: next time timed work is needed, UINT64_MAX for never
 * @last_now: @now of the last timed work
 * @count: requests per (protocol, message), [256 * 256]
 * @bad_len: requests with a wrong parameter length
 * @bad_hdr: requests that were not commands
 * @dresp_sent: delayed responses popped
 * @notif_sent: notifications popped
 * @notif_dropped: notifications dropped (queue full)
 * @notif_queued: notifications queued
 * @dresp_busy: async commands refused with BUSY (delayed queue full)
 */
/* state log: resources of these kinds, and who changed them */
#define SE_SLOG_CAP		4096
#define SE_SLOG_AGENT_RESET	0xfffffffeu	/* device reset: back to config */

/**
 * struct se_slog - one state change of a resource
 * @t: CLOCK_MONOTONIC ns
 * @proto: P_POWER, P_CLOCK (enabled, rate), P_RESET or P_PERF
 * @what: "state", "enabled", "rate", "asserted" or "level"
 * @id: resource id
 * @from: value before
 * @to: value after
 * @agent: AGENT_OSPM (a command), AGENT_PLATFORM (a control command) or
 *	SE_SLOG_AGENT_RESET
 */
struct se_slog {
	uint64_t t;
	uint8_t proto;
	const char *what;
	int id;
	uint64_t from, to;
	uint32_t agent;
};

struct scmi_engine {
	struct se_resources cfg;	/* as configured */
	struct se_resources r;		/* current */
	bool p2a;
	uint64_t delay_ns;
	size_t max_msg;			/* max return-value bytes incl. status */
	size_t notif_limit;		/* <= SE_NOTIF_CAP */

	/* delayed responses: sorted by due, FIFO among equals */
	struct se_p2a *dresp;
	size_t dresp_head, dresp_count;
	/* notifications: FIFO ring */
	struct se_p2a *notif;
	size_t notif_head, notif_count;

	struct se_emitter emit[SE_MAX_EMITTERS];
	struct se_inject inject[SE_MAX_INJECT];
	int ninject;			/* slots in use */
	uint64_t injected;
	uint64_t timer_due;		/* next advance() work, UINT64_MAX none */
	uint64_t last_now;

	/* counters */
	uint64_t *count;		/* [256][256] */
	uint64_t bad_len, bad_hdr;
	uint64_t dresp_sent, notif_sent, notif_dropped, notif_queued;
	uint64_t dresp_busy;

	/* state log: ring of SE_SLOG_CAP, oldest overwritten */
	struct se_slog *slog;
	size_t slog_head, slog_count;
	uint64_t slog_dropped;
};

/* engine.c */
void se_queue_dresp(struct scmi_engine *e, uint8_t proto, uint8_t msg,
		    uint32_t token, const void *payload, size_t len,
		    uint64_t now);
bool se_dresp_room(const struct scmi_engine *e);
void se_notify(struct scmi_engine *e, uint8_t proto, uint8_t msg,
	       const void *payload, size_t len, uint64_t now);

void se_slog_add(struct scmi_engine *e, uint8_t proto, int id,
		 const char *what, uint64_t from, uint64_t to, uint32_t agent,
		 uint64_t now);

/* proto.c */
size_t se_dispatch(struct scmi_engine *e, uint32_t hdr, const uint8_t *p,
		   size_t plen, uint8_t *out, size_t out_cap, uint64_t now);
int64_t se_sensor_value(const struct se_sensor *s, uint64_t now);
uint32_t se_pcap_power(const struct se_powercap *pc, uint64_t now);
uint64_t se_advance(struct scmi_engine *e, uint64_t now);
void se_schedule_now(struct scmi_engine *e, uint64_t now);
int se_emit_event(struct scmi_engine *e, uint8_t proto, uint32_t id,
		  int event, bool force, uint64_t now, char *why, size_t whylen);
int se_event_parse(uint8_t proto, const char *name);
const char *se_event_name(uint8_t proto, int event);
int se_proto_parse(const char *s);
const char *se_proto_name(uint8_t proto);
int se_status_parse(const char *s, int32_t *status);
int se_res_count(const struct se_resources *r, uint8_t proto);
/* platform-initiated state changes used by the "set" control command */
int se_ctl_set(struct scmi_engine *e, int argc, char **argv, FILE *out,
	       uint64_t now);
void se_dump_state(const struct scmi_engine *e, FILE *out, uint64_t now);

/* config.c */
void se_defaults(struct se_resources *r);
int se_parse_config(const char *path, struct se_resources *r, char *err,
		    size_t errlen);
void se_normalize(struct se_resources *r);

/* little-endian helpers */
static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t se_hdr(uint8_t msg, uint8_t type, uint8_t proto,
			      uint32_t token)
{
	return (uint32_t)msg | (uint32_t)(type & 3) << 8 |
	       (uint32_t)proto << 10 | (token & 0x3ff) << 18;
}

#endif /* SCMI_ENGINE_INTERNAL_H */
