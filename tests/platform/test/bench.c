// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - the daemon's service time without a guest: N commands through
 * plat_process_cmdq() on fake guest memory, with the engine the daemon is
 * linked with.  Prints the same percentiles as the "stats" command.
 *
 *   ./platform-bench [N]
 */
#include <stdlib.h>
#include <string.h>

#include "../platform.h"

#define MEM	(1u << 20)
#define GPA	0x40000000ull
#define NUM	256

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000, i;
	static const uint32_t cmds[][3] = {
		/* header (proto, msg), parameter, request length */
		{ 0x14u << 10 | 0x6, 0, 8 },	/* CLOCK_RATE_GET clock 0 */
		{ 0x14u << 10 | 0x3, 1, 8 },	/* CLOCK_ATTRIBUTES clock 1 */
		{ 0x10u << 10 | 0x0, 0, 4 },	/* BASE PROTOCOL_VERSION */
		{ 0x15u << 10 | 0x6, 0, 12 },	/* SENSOR_READING_GET sensor 0 */
	};
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct plat p;
	struct scmi_engine *e;
	uint8_t *mem;
	char err[256];
	struct vq *q;

	plat_verbose = 0;
	e = scmi_engine_new(NULL, err, sizeof(err));
	if (!e) {
		fprintf(stderr, "engine: %s\n", err);
		return 1;
	}
	mem = aligned_alloc(4096, MEM);
	memset(mem, 0, MEM);
	plat_init(&p, e);
	p.vu.mem.n = 1;
	p.vu.mem.r[0] = (struct vmem_region){ .gpa = GPA, .size = MEM, .uva = GPA, .host = mem };
	q = &p.vu.vq[0];
	q->num = NUM;
	q->desc_uva = GPA;
	q->avail_uva = GPA + 0x1000;
	q->used_uva = GPA + 0x2000;
	q->event_idx = true;
	q->started = q->enabled = true;
	vq_map(q, &p.vu.mem);
	desc = q->desc;
	avail = q->avail;
	for (i = 0; i < NUM / 2; i++) {
		uint64_t rq = GPA + 0x10000 + i * 256;

		desc[2 * i] = (struct vring_desc){ rq, 0, VRING_DESC_F_NEXT, 2 * i + 1 };
		desc[2 * i + 1] = (struct vring_desc){ rq + 64, 128, VRING_DESC_F_WRITE, 0 };
	}
	for (i = 0; i < n; i++) {
		unsigned int slot = i % (NUM / 2);
		const uint32_t *c = cmds[i % 4];
		uint8_t *rq = mem + 0x10000 + slot * 256;
		uint32_t h = c[0] | (uint32_t)(i & 0x3ff) << 18;

		memcpy(rq, &h, 4);
		memcpy(rq + 4, &c[1], 4);
		memset(rq + 8, 0, 4);
		desc[2 * slot].len = c[2];
		avail->ring[avail->idx % NUM] = 2 * slot;
		__atomic_store_n(&avail->idx, (uint16_t)(avail->idx + 1), __ATOMIC_RELEASE);
		plat_process_cmdq(&p);
	}
	printf("commands %lu responses %llu\n", n, (unsigned long long)p.st.responses);
	printf("engine_ns p50 %llu p90 %llu p99 %llu max %llu\n",
	       (unsigned long long)lat_pct(&p.st.engine, 50),
	       (unsigned long long)lat_pct(&p.st.engine, 90),
	       (unsigned long long)lat_pct(&p.st.engine, 99),
	       (unsigned long long)p.st.engine.max);
	printf("chain_ns  p50 %llu p90 %llu p99 %llu max %llu\n",
	       (unsigned long long)lat_pct(&p.st.chain, 50),
	       (unsigned long long)lat_pct(&p.st.chain, 90),
	       (unsigned long long)lat_pct(&p.st.chain, 99),
	       (unsigned long long)p.st.chain.max);
	memset(&p.vu.mem, 0, sizeof(p.vu.mem));
	plat_fini(&p);
	scmi_engine_free(e);
	free(mem);
	return p.st.responses == n ? 0 : 1;
}
