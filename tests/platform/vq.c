// SPDX-License-Identifier: GPL-2.0
/*
 * vq.c - guest memory translation and the device side of a split virtqueue.
 *
 * Nothing read from guest memory is trusted: every descriptor is copied
 * before use, every address range is checked against the memory table
 * without integer overflow, chains are bounded, and the ring indices are
 * checked for consistency.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "platform.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtio 1.x rings are little-endian; this daemon assumes a little-endian host");

static void *region_lookup(const struct vmem *m, uint64_t addr, uint64_t len, bool by_uva)
{
	unsigned int i;

	for (i = 0; i < m->n; i++) {
		const struct vmem_region *r = &m->r[i];
		uint64_t start = by_uva ? r->uva : r->gpa;
		uint64_t off;

		if (addr < start)
			continue;
		off = addr - start;
		if (off >= r->size)
			continue;
		if (len > r->size - off)
			return NULL;	/* runs past the region: no straddling */
		return r->host + off;
	}
	return NULL;
}

/**
 * vmem_gpa() - translate a guest physical range
 * @m: memory table
 * @gpa: guest physical address
 * @len: length of the range
 *
 * Return: host pointer to @gpa when the whole range lies in one region,
 * NULL otherwise.
 */
void *vmem_gpa(const struct vmem *m, uint64_t gpa, uint64_t len)
{
	return region_lookup(m, gpa, len, false);
}

/**
 * vmem_uva() - translate a range of the front end's virtual addresses
 * @m: memory table
 * @uva: front-end virtual address
 * @len: length of the range
 *
 * Return: host pointer, or NULL when not inside one region.
 */
void *vmem_uva(const struct vmem *m, uint64_t uva, uint64_t len)
{
	return region_lookup(m, uva, len, true);
}

/**
 * vmem_unmap() - unmap every region and empty the table
 * @m: memory table
 */
void vmem_unmap(struct vmem *m)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->r[i].map && m->r[i].map != MAP_FAILED)
			munmap(m->r[i].map, m->r[i].map_len);
	memset(m, 0, sizeof(*m));
}

/**
 * vq_init() - a queue with nothing configured
 * @q: queue
 */
void vq_init(struct vq *q)
{
	memset(q, 0, sizeof(*q));
	q->kick_fd = -1;
	q->call_fd = -1;
	q->err_fd = -1;
}

/**
 * vq_map() - translate the ring addresses through the memory table
 * @q: queue (num and the three addresses set)
 * @m: memory table
 *
 * Return: true when all three rings are inside guest memory.
 */
bool vq_map(struct vq *q, const struct vmem *m)
{
	q->desc = NULL;
	q->avail = NULL;
	q->used = NULL;
	if (!q->num)
		return false;
	q->desc = vmem_uva(m, q->desc_uva, 16ull * q->num);
	q->avail = vmem_uva(m, q->avail_uva, 6ull + 2ull * q->num);
	q->used = vmem_uva(m, q->used_uva, 6ull + 8ull * q->num);
	if (!q->desc || !q->avail || !q->used) {
		q->desc = NULL;
		q->avail = NULL;
		q->used = NULL;
		return false;
	}
	return true;
}

/**
 * vq_ready() - whether the queue may be processed
 * @q: queue
 *
 * Return: true when mapped, started, enabled and not broken.
 */
bool vq_ready(const struct vq *q)
{
	return q->desc && q->started && q->enabled && !q->broken;
}

static uint16_t load16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/**
 * vq_has_avail() - whether the driver made buffers available we have not taken
 * @q: ready queue
 *
 * Return: true if the available index moved past ours.
 */
bool vq_has_avail(const struct vq *q)
{
	return load16(&q->avail->idx) != q->last_avail;
}

static int bad(const char **why, const char *what)
{
	if (why)
		*why = what;
	return VQ_BAD;
}

/**
 * vq_pop() - take the next available chain
 * @q: ready queue
 * @m: memory table
 * @c: filled with the chain's translated segments
 * @head_valid: set to whether c->head may be returned in the used ring
 * @why: set to a reason on VQ_BAD / VQ_BROKEN
 *
 * A malformed chain is consumed from the available ring (the driver will
 * not see it again) and reported as VQ_BAD; when @head_valid the caller
 * should return it with a zero used length.
 *
 * Return: VQ_EMPTY, VQ_CHAIN, VQ_BAD or VQ_BROKEN.
 */
int vq_pop(struct vq *q, const struct vmem *m, struct vq_chain *c, bool *head_valid,
	   const char **why)
{
	const struct vring_desc *table = q->desc;
	unsigned int tsize = q->num, steps = 0, idx;
	bool in_indirect = false;
	uint16_t avail_idx, head;

	*head_valid = false;
	avail_idx = load16(&q->avail->idx);
	if (avail_idx == q->last_avail)
		return VQ_EMPTY;
	if ((uint16_t)(avail_idx - q->last_avail) > q->num) {
		q->broken = true;
		if (why)
			*why = "available index moved by more than the ring size";
		return VQ_BROKEN;
	}
	head = __atomic_load_n(&q->avail->ring[q->last_avail & (q->num - 1)], __ATOMIC_RELAXED);
	q->last_avail++;

	memset(c, 0, offsetof(struct vq_chain, out));
	c->head = head;
	if (head >= q->num)
		return bad(why, "head index out of range");
	*head_valid = true;

	idx = head;
	for (;;) {
		struct vring_desc d;
		uint8_t *p;

		if (idx >= tsize)
			return bad(why, in_indirect ? "next index out of indirect table" :
				   "next index out of range");
		if (++steps > tsize)
			return bad(why, "descriptor loop or chain too long");
		/* one copy: the guest may change the descriptor under us */
		memcpy(&d, (const void *)&table[idx], sizeof(d));
		__atomic_signal_fence(__ATOMIC_SEQ_CST);

		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (!q->indirect)
				return bad(why, "indirect descriptor without INDIRECT_DESC");
			if (in_indirect)
				return bad(why, "indirect descriptor inside an indirect table");
			if (d.flags & VRING_DESC_F_NEXT)
				return bad(why, "indirect descriptor with NEXT");
			if (d.len == 0 || d.len % sizeof(struct vring_desc))
				return bad(why, "indirect table length not a multiple of 16");
			if (d.len / sizeof(struct vring_desc) > VQ_MAX_SIZE)
				return bad(why, "indirect table too large");
			table = vmem_gpa(m, d.addr, d.len);
			if (!table)
				return bad(why, "indirect table outside guest memory");
			tsize = d.len / sizeof(struct vring_desc);
			in_indirect = true;
			steps = 0;
			idx = 0;
			continue;
		}

		if (d.len) {
			p = vmem_gpa(m, d.addr, d.len);
			if (!p)
				return bad(why, "buffer outside guest memory");
			if (d.flags & VRING_DESC_F_WRITE) {
				if (c->n_in >= VQ_MAX_IOV)
					return bad(why, "too many writable descriptors");
				c->in[c->n_in].base = p;
				c->in[c->n_in++].len = d.len;
				c->in_len += d.len;
			} else {
				if (c->n_in)
					return bad(why, "readable descriptor after a writable one");
				if (c->n_out >= VQ_MAX_IOV)
					return bad(why, "too many readable descriptors");
				c->out[c->n_out].base = p;
				c->out[c->n_out++].len = d.len;
				c->out_len += d.len;
			}
		} else if (!(d.flags & VRING_DESC_F_WRITE) && c->n_in) {
			return bad(why, "readable descriptor after a writable one");
		}
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		idx = d.next;
	}
	return VQ_CHAIN;
}

/**
 * vq_push() - return a chain to the driver
 * @q: ready queue
 * @head: the chain's head index
 * @len: bytes written into its writable part
 */
void vq_push(struct vq *q, uint16_t head, uint32_t len)
{
	struct vring_used_elem *e = &q->used->ring[q->used_idx & (q->num - 1)];

	__atomic_store_n(&e->id, head, __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, len, __ATOMIC_RELAXED);
	q->used_idx++;
	/* the entry must be visible before the index that publishes it */
	__atomic_store_n(&q->used->idx, q->used_idx, __ATOMIC_RELEASE);
	q->pushed++;
}

/**
 * vq_need_notify() - whether the driver wants an interrupt for what we pushed
 * @q: ready queue
 *
 * With EVENT_IDX, compares the driver's used_event with the used entries
 * added since the last interrupt; without it, honours NO_INTERRUPT.
 *
 * Return: true if the call fd should be signalled.
 */
bool vq_need_notify(struct vq *q)
{
	uint16_t old, new, ev;
	bool valid;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx)
		return !(load16(&q->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
	old = q->signalled_used;
	new = q->used_idx;
	valid = q->signalled_valid;
	q->signalled_used = new;
	q->signalled_valid = true;
	/* used_event sits right after the available ring's entries */
	ev = load16(&q->avail->ring[q->num]);
	if (!valid)
		return true;
	return (uint16_t)(new - ev - 1) < (uint16_t)(new - old);
}

/**
 * vq_notify() - signal the driver if it wants it, for everything pushed so far
 * @q: ready queue
 */
void vq_notify(struct vq *q)
{
	uint64_t one = 1;

	if (!q->pushed)
		return;
	q->pushed = 0;
	if (!vq_need_notify(q)) {
		q->irq_suppressed++;
		return;
	}
	q->irq_sent++;
	if (q->call_fd >= 0 && write(q->call_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		LOG_ERR("call fd write: %s", strerror(errno));
}

/**
 * vq_set_kick_notify() - ask the driver to kick us, or not
 * @q: ready queue
 * @enable: true to want kicks for new buffers
 *
 * With EVENT_IDX the avail_event field (after the used ring's entries) is
 * set to the next entry we will take; without it VRING_USED_F_NO_NOTIFY is
 * cleared or set.  Callers re-check the ring after enabling.
 */
void vq_set_kick_notify(struct vq *q, bool enable)
{
	if (q->event_idx) {
		if (enable) {
			uint16_t *avail_event = (uint16_t *)&q->used->ring[q->num];

			__atomic_store_n(avail_event, q->last_avail, __ATOMIC_RELAXED);
		}
	} else {
		__atomic_store_n(&q->used->flags, enable ? 0 : VRING_USED_F_NO_NOTIFY,
				 __ATOMIC_RELAXED);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/**
 * vq_gather() - copy a chain's readable bytes
 * @c: chain
 * @buf: destination
 * @cap: size of @buf
 *
 * Return: bytes copied (at most @cap).
 */
size_t vq_gather(const struct vq_chain *c, void *buf, size_t cap)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < c->n_out && done < cap; i++) {
		size_t n = c->out[i].len;

		if (n > cap - done)
			n = cap - done;
		memcpy((uint8_t *)buf + done, c->out[i].base, n);
		done += n;
	}
	return done;
}

/**
 * vq_scatter() - copy bytes into a chain's writable part
 * @c: chain
 * @buf: source
 * @len: bytes to copy
 *
 * Return: bytes written (less than @len when the chain is too small).
 */
size_t vq_scatter(const struct vq_chain *c, const void *buf, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < c->n_in && done < len; i++) {
		size_t n = c->in[i].len;

		if (n > len - done)
			n = len - done;
		memcpy(c->in[i].base, (const uint8_t *)buf + done, n);
		done += n;
	}
	return done;
}
