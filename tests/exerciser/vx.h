/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared declarations of the vscmi_exerciser test module.
 *
 * The exerciser is an ordinary SCMI driver: it asks the SCMI core for one
 * device per protocol, gets each protocol's operations through the public
 * API of <linux/scmi_protocol.h> and runs checks on them when a command is
 * written to debugfs.  Results are plain text, one line per check.
 */
#ifndef VX_H
#define VX_H

#include <linux/mutex.h>
#include <linux/scmi_protocol.h>
#include <linux/types.h>
#include <linux/version.h>

/* Protocol ids 0x11 (power) .. 0x18 (powercap) map to slots 0 .. 7. */
#define VX_PROTO_FIRST	SCMI_PROTOCOL_POWER
#define VX_PROTO_LAST	SCMI_PROTOCOL_POWERCAP
#define VX_NPROTO	(VX_PROTO_LAST - VX_PROTO_FIRST + 1)

/*
 * Until some 7.x release the clock information carried the rate list or
 * range inline (with a fixed maximum, SCMI_MAX_NUM_RATES); newer cores give
 * the rates through ->all_rates_get() and keep only min/max in the info.
 * The base information structure was renamed at the same time.
 */
#ifdef SCMI_MAX_NUM_RATES
#define VX_CLOCK_INLINE_RATES	1
#endif

/**
 * struct vx_proto - one protocol the exerciser is bound to
 * @sdev: the SCMI device the core created for our id_table entry
 * @ph: protocol handle from devm_protocol_get()
 * @ops: protocol operations from devm_protocol_get() (type depends on
 *	 the protocol), or NULL when not bound
 * @version_ok: devm_protocol_acquire() (system protocol) succeeded
 */
struct vx_proto {
	struct scmi_device *sdev;
	struct scmi_protocol_handle *ph;
	const void *ops;
	bool version_ok;
};

/**
 * struct vx_state - global exerciser state
 * @lock: serialises commands against each other and against probe/remove
 * @handle: the SCMI instance handle (from the first probed device)
 * @proto: per-protocol binding, indexed by protocol id - VX_PROTO_FIRST
 * @buf: results text of the last command
 * @len: bytes used in @buf
 * @cap: size of @buf
 * @truncated: results did not fit in @buf
 * @n_ok: checks passed in the last command
 * @n_fail: checks failed in the last command
 * @n_skip: checks skipped in the last command
 * @probes: number of probe calls since module load (diagnostics)
 */
struct vx_state {
	struct mutex lock;
	const struct scmi_handle *handle;
	struct vx_proto proto[VX_NPROTO];
	char *buf;
	size_t len;
	size_t cap;
	bool truncated;
	unsigned int n_ok;
	unsigned int n_fail;
	unsigned int n_skip;
	unsigned int probes;
};

extern struct vx_state vx;

/* vx_main.c: result lines */
void vx_line(const char *fmt, ...) __printf(1, 2);
void vx_pass(const char *name);
void vx_fail(const char *name, const char *fmt, ...) __printf(2, 3);
void vx_skip(const char *name, const char *fmt, ...) __printf(2, 3);
const char *vx_n(const char *fmt, ...) __printf(1, 2);
struct vx_proto *vx_get(u8 protocol_id);

/*
 * VX_EQ - pass @name when @got == @want, else fail with both values.
 * Values are printed as signed 64-bit numbers.  Evaluates to the outcome.
 */
#define VX_EQ(name, got, want) ({					\
	long long __g = (long long)(got), __w = (long long)(want);	\
	bool __ok = __g == __w;						\
	if (__ok)							\
		vx_pass(name);						\
	else								\
		vx_fail(name, "got %lld, want %lld", __g, __w);		\
	__ok; })

/* VX_RET - pass when a call returned 0, else fail with the errno. */
#define VX_RET(name, ret) ({						\
	int __r = (ret);						\
	if (!__r)							\
		vx_pass(name);						\
	else								\
		vx_fail(name, "returned %d", __r);			\
	!__r; })

/* VX_STR - pass when two strings are equal. */
#define VX_STR(name, got, want) ({					\
	const char *__g = (got), *__w = (want);				\
	bool __ok = __g && __w && !strcmp(__g, __w);			\
	if (__ok)							\
		vx_pass(name);						\
	else								\
		vx_fail(name, "got \"%s\", want \"%s\"",		\
			__g ? __g : "(null)", __w ? __w : "(null)");	\
	__ok; })

/* vx_checks.c */
void vx_check_base(void);
void vx_check_power(void);
void vx_check_perf(void);
void vx_check_clock(void);
void vx_check_sensor(void);
void vx_check_reset(void);
void vx_check_voltage(void);
void vx_check_powercap(void);
void vx_check_system(void);
void vx_check_async(void);
void vx_check_notify(void);
void vx_check_atomic(void);
void vx_check_concurrent(unsigned int per_cpu);
void vx_dump_state(void);

/* vx_bench.c */
int vx_bench(int argc, char **argv);

/* vx_fault.c */
int vx_fault_cmd(int argc, char **argv);

#endif /* VX_H */
