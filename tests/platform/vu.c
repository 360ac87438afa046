// SPDX-License-Identifier: GPL-2.0
/*
 * vu.c - the vhost-user protocol, back-end side.
 *
 * Messages are a 12-byte header and a payload; file descriptors travel as
 * SCM_RIGHTS ancillary data with the header.  Only GET_* requests and, with
 * REPLY_ACK, requests carrying need_reply get an answer.  Every fd received
 * is either kept by the state it configures or closed.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "platform.h"

struct vu_vring_state {
	uint32_t index;
	uint32_t num;
};

struct vu_vring_addr {
	uint32_t index;
	uint32_t flags;
	uint64_t desc;
	uint64_t used;
	uint64_t avail;
	uint64_t log;
};

struct vu_mem_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t uva;
	uint64_t mmap_offset;
};

struct vu_mem_table {
	uint32_t nregions;
	uint32_t padding;
	struct vu_mem_region r[VMEM_MAX_REGIONS];
};

static const char *const req_names[] = {
	[VHOST_USER_GET_FEATURES] = "GET_FEATURES",
	[VHOST_USER_SET_FEATURES] = "SET_FEATURES",
	[VHOST_USER_SET_OWNER] = "SET_OWNER",
	[VHOST_USER_RESET_OWNER] = "RESET_OWNER",
	[VHOST_USER_SET_MEM_TABLE] = "SET_MEM_TABLE",
	[VHOST_USER_SET_LOG_BASE] = "SET_LOG_BASE",
	[VHOST_USER_SET_LOG_FD] = "SET_LOG_FD",
	[VHOST_USER_SET_VRING_NUM] = "SET_VRING_NUM",
	[VHOST_USER_SET_VRING_ADDR] = "SET_VRING_ADDR",
	[VHOST_USER_SET_VRING_BASE] = "SET_VRING_BASE",
	[VHOST_USER_GET_VRING_BASE] = "GET_VRING_BASE",
	[VHOST_USER_SET_VRING_KICK] = "SET_VRING_KICK",
	[VHOST_USER_SET_VRING_CALL] = "SET_VRING_CALL",
	[VHOST_USER_SET_VRING_ERR] = "SET_VRING_ERR",
	[VHOST_USER_GET_PROTOCOL_FEATURES] = "GET_PROTOCOL_FEATURES",
	[VHOST_USER_SET_PROTOCOL_FEATURES] = "SET_PROTOCOL_FEATURES",
	[VHOST_USER_GET_QUEUE_NUM] = "GET_QUEUE_NUM",
	[VHOST_USER_SET_VRING_ENABLE] = "SET_VRING_ENABLE",
	[VHOST_USER_RESET_DEVICE] = "RESET_DEVICE",
};

/**
 * vu_request_name() - printable name of a request id
 * @req: request id
 *
 * Return: the name, or "UNKNOWN".
 */
const char *vu_request_name(uint32_t req)
{
	if (req < sizeof(req_names) / sizeof(req_names[0]) && req_names[req])
		return req_names[req];
	return "UNKNOWN";
}

/**
 * vu_init() - a connection-less device
 * @vu: state
 * @ops: device callbacks (may be NULL)
 * @opaque: for the callbacks
 */
void vu_init(struct vu *vu, const struct vu_ops *ops, void *opaque)
{
	unsigned int i;

	memset(vu, 0, sizeof(*vu));
	vu->fd = -1;
	vu->offered = PLAT_FEATURES;
	vu->ops = ops;
	vu->opaque = opaque;
	for (i = 0; i < PLAT_NUM_QUEUES; i++)
		vq_init(&vu->vq[i]);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void queue_stop(struct vu *vu, unsigned int i)
{
	struct vq *q = &vu->vq[i];

	if (q->started && q->enabled && vu->ops && vu->ops->queue_stop)
		vu->ops->queue_stop(vu, i);
	q->started = false;
}

/* Back to the state of a fresh connection; keeps the socket. */
static void device_reset(struct vu *vu)
{
	unsigned int i;

	for (i = 0; i < PLAT_NUM_QUEUES; i++)
		queue_stop(vu, i);
	if (vu->ops && vu->ops->reset)
		vu->ops->reset(vu);
	for (i = 0; i < PLAT_NUM_QUEUES; i++) {
		struct vq *q = &vu->vq[i];

		close_fd(&q->kick_fd);
		close_fd(&q->call_fd);
		close_fd(&q->err_fd);
		vu->irq_sent_total[i] += q->irq_sent;
		vu->irq_suppressed_total[i] += q->irq_suppressed;
		vq_init(q);
	}
	vmem_unmap(&vu->mem);
	/* protocol features belong to the connection and survive a reset */
	vu->features = 0;
	vu->owned = false;
}

/**
 * vu_disconnect() - forget the connection and everything it configured
 * @vu: state
 */
void vu_disconnect(struct vu *vu)
{
	device_reset(vu);
	vu->protocol_features = 0;
	close_fd(&vu->fd);
}

/**
 * vu_recv() - read one message with its fds
 * @fd: connection socket
 * @msg: filled
 *
 * Return: 1 on a message, 0 on end of file, -1 on error or a malformed
 * message (the connection should then be dropped).
 */
int vu_recv(int fd, struct vu_msg *msg)
{
	char cbuf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)];
	struct iovec iov = { &msg->hdr, sizeof(msg->hdr) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	size_t got;
	ssize_t n;

	msg->nfds = 0;
	do {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n < 0) {
		LOG_ERR("vhost-user recv: %s", strerror(errno));
		return -1;
	}
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			int k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			int j;

			for (j = 0; j < k; j++) {
				int f;

				memcpy(&f, CMSG_DATA(cm) + j * sizeof(int), sizeof(int));
				if (msg->nfds < VHOST_USER_MAX_FDS)
					msg->fds[msg->nfds++] = f;
				else
					close(f);
			}
		}
	}
	if (mh.msg_flags & MSG_CTRUNC)
		LOG_ERR("vhost-user: control data truncated (too many fds)");
	got = n;
	while (got < sizeof(msg->hdr)) {
		n = read(fd, (uint8_t *)&msg->hdr + got, sizeof(msg->hdr) - got);
		if (n <= 0)
			goto short_read;
		got += n;
	}
	if (msg->hdr.size > VHOST_USER_MAX_PAYLOAD) {
		LOG_ERR("vhost-user: %s payload of %u bytes is too large",
			vu_request_name(msg->hdr.request), msg->hdr.size);
		goto fail;
	}
	got = 0;
	while (got < msg->hdr.size) {
		n = read(fd, msg->payload + got, msg->hdr.size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto short_read;
		got += n;
	}
	return 1;

short_read:
	LOG_ERR("vhost-user: connection closed or timed out inside a message");
fail:
	while (msg->nfds > 0)
		close(msg->fds[--msg->nfds]);
	return -1;
}

/**
 * vu_send() - write one message
 * @fd: connection socket
 * @hdr: header (size = payload length)
 * @payload: payload
 * @fds: fds to pass (or NULL)
 * @nfds: number of @fds
 *
 * Return: 0 or -1.
 */
int vu_send(int fd, const struct vu_hdr *hdr, const void *payload, const int *fds, int nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_FDS)] = { 0 };
	struct iovec iov[2] = {
		{ (void *)hdr, sizeof(*hdr) },
		{ (void *)payload, hdr->size },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = hdr->size ? 2 : 1 };
	size_t want = sizeof(*hdr) + hdr->size;
	ssize_t n;

	if (nfds > 0) {
		struct cmsghdr *cm;

		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do {
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != want) {
		LOG_ERR("vhost-user send: %s", n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

static int reply(struct vu *vu, const struct vu_msg *msg, const void *payload, uint32_t size)
{
	struct vu_hdr h = {
		.request = msg->hdr.request,
		.flags = VHOST_USER_VERSION | VHOST_USER_FLAG_REPLY,
		.size = size,
	};

	return vu_send(vu->fd, &h, payload, NULL, 0);
}

static int reply_u64(struct vu *vu, const struct vu_msg *msg, uint64_t v)
{
	return reply(vu, msg, &v, sizeof(v));
}

static int take_fd(struct vu_msg *msg)
{
	int fd;

	if (msg->nfds < 1)
		return -1;
	fd = msg->fds[0];
	msg->fds[0] = -1;
	return fd;
}

static bool check_size(const struct vu_msg *msg, size_t want)
{
	if (msg->hdr.size >= want)
		return true;
	LOG_ERR("vhost-user: %s payload %u bytes, need %zu",
		vu_request_name(msg->hdr.request), msg->hdr.size, want);
	return false;
}

static struct vq *msg_vq(struct vu *vu, uint32_t index, const char *what)
{
	if (index < PLAT_NUM_QUEUES)
		return &vu->vq[index];
	LOG_ERR("vhost-user: %s for queue %u (we have %d)", what, index, PLAT_NUM_QUEUES);
	return NULL;
}

static void try_start(struct vu *vu, unsigned int i)
{
	struct vq *q = &vu->vq[i];

	if (!q->started)
		return;
	if (!q->desc && !vq_map(q, &vu->mem)) {
		LOG_ERR("vhost-user: queue %u rings are not inside the memory table", i);
		return;
	}
	if (vq_ready(q) && vu->ops && vu->ops->queue_start)
		vu->ops->queue_start(vu, i);
}

static int set_mem_table(struct vu *vu, struct vu_msg *msg)
{
	struct vu_mem_table t;
	struct vmem m = { 0 };
	unsigned int i;

	if (!check_size(msg, 8))
		return -1;
	memcpy(&t, msg->payload, msg->hdr.size < sizeof(t) ? msg->hdr.size : sizeof(t));
	if (t.nregions > VMEM_MAX_REGIONS || msg->hdr.size < 8 + t.nregions * sizeof(t.r[0]) ||
	    (int)t.nregions != msg->nfds) {
		LOG_ERR("vhost-user: SET_MEM_TABLE with %u regions, %d fds, %u bytes",
			t.nregions, msg->nfds, msg->hdr.size);
		return -1;
	}
	for (i = 0; i < t.nregions; i++) {
		struct vu_mem_region *r = &t.r[i];
		struct vmem_region *v = &m.r[i];
		void *p;

		if (!r->size || r->mmap_offset > UINT64_MAX - r->size ||
		    r->gpa > UINT64_MAX - r->size || r->uva > UINT64_MAX - r->size) {
			LOG_ERR("vhost-user: region %u has an impossible range", i);
			goto fail;
		}
		p = mmap(NULL, r->size + r->mmap_offset, PROT_READ | PROT_WRITE, MAP_SHARED,
			 msg->fds[i], 0);
		if (p == MAP_FAILED) {
			LOG_ERR("vhost-user: mmap region %u (%llu bytes + %llu): %s", i,
				(unsigned long long)r->size, (unsigned long long)r->mmap_offset,
				strerror(errno));
			goto fail;
		}
		v->map = p;
		v->map_len = r->size + r->mmap_offset;
		v->host = (uint8_t *)p + r->mmap_offset;
		v->gpa = r->gpa;
		v->size = r->size;
		v->uva = r->uva;
		m.n = i + 1;
		LOG_DBG("region %u: gpa 0x%llx size 0x%llx uva 0x%llx offset 0x%llx", i,
			(unsigned long long)r->gpa, (unsigned long long)r->size,
			(unsigned long long)r->uva, (unsigned long long)r->mmap_offset);
	}
	for (i = 0; i < (unsigned int)msg->nfds; i++)
		close_fd(&msg->fds[i]);
	vmem_unmap(&vu->mem);
	vu->mem = m;
	for (i = 0; i < PLAT_NUM_QUEUES; i++) {
		vu->vq[i].desc = NULL;
		if (vu->vq[i].num && vu->vq[i].desc_uva)
			vq_map(&vu->vq[i], &vu->mem);
	}
	if (vu->ops && vu->ops->mem_changed)
		vu->ops->mem_changed(vu);
	for (i = 0; i < PLAT_NUM_QUEUES; i++)
		try_start(vu, i);
	return 0;
fail:
	vmem_unmap(&m);
	return -1;
}

static bool any_started(const struct vu *vu)
{
	unsigned int i;

	for (i = 0; i < PLAT_NUM_QUEUES; i++)
		if (vu->vq[i].started)
			return true;
	return false;
}

/**
 * vu_handle() - act on one message and answer it if required
 * @vu: state
 * @msg: the message; fds the state keeps are taken, the rest closed here
 *
 * Return: 0, or -1 when the connection must be dropped.
 */
int vu_handle(struct vu *vu, struct vu_msg *msg)
{
	uint32_t req = msg->hdr.request;
	bool need_reply = msg->hdr.flags & VHOST_USER_FLAG_NEED_REPLY;
	/*
	 * need_reply is only set by a front end that believes REPLY_ACK was
	 * negotiated.  QEMU reconnecting to a restarted back end skips the
	 * protocol-feature exchange and still waits for the ack: always
	 * answer.
	 */
	bool ack = need_reply;
	bool replied = false;
	int ret = 0, i;
	uint64_t u64 = 0;
	struct vu_vring_state st;
	struct vu_vring_addr va;
	struct vq *q;

	vu->msgs++;
	if ((msg->hdr.flags & 3) != VHOST_USER_VERSION) {
		LOG_ERR("vhost-user: bad version in flags 0x%x", msg->hdr.flags);
		ret = -1;
		goto out;
	}
	LOG_DBG("vhost-user: %s (%u) size %u fds %d%s", vu_request_name(req), req,
		msg->hdr.size, msg->nfds, need_reply ? " need_reply" : "");
	if (msg->hdr.size >= 8)
		memcpy(&u64, msg->payload, 8);

	switch (req) {
	case VHOST_USER_GET_FEATURES:
		ret = reply_u64(vu, msg, vu->offered);
		replied = true;
		break;
	case VHOST_USER_SET_FEATURES:
		if (!check_size(msg, 8)) {
			ret = 1;
			break;
		}
		if (u64 & ~(vu->offered | PLAT_FEATURES_TOLERATED)) {
			LOG_ERR("vhost-user: SET_FEATURES 0x%llx has bits we did not offer",
				(unsigned long long)u64);
			ret = 1;
			break;
		}
		if (u64 & PLAT_FEATURES_TOLERATED)
			LOG_INFO("ignoring offered features 0x%llx",
				 (unsigned long long)(u64 & PLAT_FEATURES_TOLERATED));
		/* features while every ring is stopped: a (re)negotiation */
		if (!any_started(vu) && vu->ops && vu->ops->reset)
			vu->ops->reset(vu);
		vu->features = u64 & vu->offered;
		vu->last_features = vu->features;
		for (i = 0; i < PLAT_NUM_QUEUES; i++) {
			vu->vq[i].event_idx = u64 & (1ull << VIRTIO_RING_F_EVENT_IDX);
			vu->vq[i].indirect = u64 & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
		}
		LOG_INFO("features 0x%llx negotiated", (unsigned long long)vu->features);
		if (vu->ops && vu->ops->features)
			vu->ops->features(vu, vu->features);
		break;
	case VHOST_USER_SET_OWNER:
		if (vu->owned)
			LOG_INFO("SET_OWNER again: fresh negotiation");
		device_reset(vu);
		vu->owned = true;
		break;
	case VHOST_USER_RESET_OWNER:
	case VHOST_USER_RESET_DEVICE:
		LOG_INFO("%s: device reset", vu_request_name(req));
		device_reset(vu);
		vu->owned = req == VHOST_USER_RESET_DEVICE;
		break;
	case VHOST_USER_GET_PROTOCOL_FEATURES:
		ret = reply_u64(vu, msg, PLAT_PROTOCOL_FEATURES);
		replied = true;
		break;
	case VHOST_USER_SET_PROTOCOL_FEATURES:
		if (!check_size(msg, 8)) {
			ret = 1;
			break;
		}
		if (u64 & ~PLAT_PROTOCOL_FEATURES)
			LOG_ERR("vhost-user: protocol features 0x%llx not offered; ignored",
				(unsigned long long)(u64 & ~PLAT_PROTOCOL_FEATURES));
		vu->protocol_features = u64 & PLAT_PROTOCOL_FEATURES;
		vu->last_protocol_features = vu->protocol_features;
		LOG_INFO("protocol features 0x%llx negotiated",
			 (unsigned long long)vu->protocol_features);
		break;
	case VHOST_USER_GET_QUEUE_NUM:
		ret = reply_u64(vu, msg, PLAT_NUM_QUEUES);
		replied = true;
		break;
	case VHOST_USER_SET_MEM_TABLE:
		if (set_mem_table(vu, msg) < 0)
			ret = 1;
		break;
	case VHOST_USER_SET_VRING_NUM:
		if (!check_size(msg, sizeof(st))) {
			ret = 1;
			break;
		}
		memcpy(&st, msg->payload, sizeof(st));
		q = msg_vq(vu, st.index, "SET_VRING_NUM");
		if (!q || !st.num || st.num > VQ_MAX_SIZE || (st.num & (st.num - 1))) {
			LOG_ERR("vhost-user: bad ring size %u", st.num);
			ret = 1;
			break;
		}
		q->num = st.num;
		q->desc = NULL;
		break;
	case VHOST_USER_SET_VRING_ADDR:
		if (!check_size(msg, sizeof(va))) {
			ret = 1;
			break;
		}
		memcpy(&va, msg->payload, sizeof(va));
		q = msg_vq(vu, va.index, "SET_VRING_ADDR");
		if (!q) {
			ret = 1;
			break;
		}
		q->desc_uva = va.desc;
		q->avail_uva = va.avail;
		q->used_uva = va.used;
		if (!vq_map(q, &vu->mem))
			LOG_DBG("queue %u rings not mapped yet", va.index);
		else
			q->used_idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
		try_start(vu, va.index);
		break;
	case VHOST_USER_SET_VRING_BASE:
		if (!check_size(msg, sizeof(st))) {
			ret = 1;
			break;
		}
		memcpy(&st, msg->payload, sizeof(st));
		q = msg_vq(vu, st.index, "SET_VRING_BASE");
		if (!q) {
			ret = 1;
			break;
		}
		q->last_avail = st.num;
		q->signalled_valid = false;
		break;
	case VHOST_USER_GET_VRING_BASE:
		if (!check_size(msg, sizeof(st))) {
			ret = -1;
			break;
		}
		memcpy(&st, msg->payload, sizeof(st));
		q = msg_vq(vu, st.index, "GET_VRING_BASE");
		if (!q) {
			st.num = 0;
		} else {
			queue_stop(vu, st.index);
			close_fd(&q->kick_fd);
			st.num = q->last_avail;
			q->desc = NULL;
			q->avail = NULL;
			q->used = NULL;
			q->enabled = false;
			q->broken = false;
		}
		ret = reply(vu, msg, &st, sizeof(st));
		replied = true;
		break;
	case VHOST_USER_SET_VRING_KICK:
	case VHOST_USER_SET_VRING_CALL:
	case VHOST_USER_SET_VRING_ERR: {
		unsigned int idx = u64 & VHOST_USER_VRING_IDX_MASK;
		bool nofd = u64 & VHOST_USER_VRING_NOFD;
		int fd = nofd ? -1 : take_fd(msg);

		if (!check_size(msg, 8) || !(q = msg_vq(vu, idx, vu_request_name(req))) ||
		    (!nofd && fd < 0)) {
			close_fd(&fd);
			ret = 1;
			break;
		}
		if (req == VHOST_USER_SET_VRING_CALL) {
			close_fd(&q->call_fd);
			q->call_fd = fd;
		} else if (req == VHOST_USER_SET_VRING_ERR) {
			close_fd(&q->err_fd);
			q->err_fd = fd;
		} else {
			if (q->started)
				queue_stop(vu, idx);
			close_fd(&q->kick_fd);
			q->kick_fd = fd;
			if (nofd)
				LOG_ERR("vhost-user: queue %u without kick fd (polling) is not supported",
					idx);
			q->started = true;
			q->broken = false;
			if (!(vu->features & (1ull << VHOST_USER_F_PROTOCOL_FEATURES)))
				q->enabled = true;
			if (q->desc || vq_map(q, &vu->mem))
				q->used_idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
			try_start(vu, idx);
		}
		break;
	}
	case VHOST_USER_SET_VRING_ENABLE:
		if (!check_size(msg, sizeof(st))) {
			ret = 1;
			break;
		}
		memcpy(&st, msg->payload, sizeof(st));
		q = msg_vq(vu, st.index, "SET_VRING_ENABLE");
		if (!q) {
			ret = 1;
			break;
		}
		if (st.num && !q->enabled) {
			q->enabled = true;
			try_start(vu, st.index);
		} else if (!st.num && q->enabled) {
			/* one stop callback per start: GET_VRING_BASE may follow */
			if (q->started && vu->ops && vu->ops->queue_stop)
				vu->ops->queue_stop(vu, st.index);
			q->enabled = false;
		}
		break;
	default:
		vu->unknown++;
		LOG_ERR("vhost-user: unknown or unsupported request %u (%s), size %u, fds %d",
			req, vu_request_name(req), msg->hdr.size, msg->nfds);
		ret = 1;
		break;
	}
out:
	for (i = 0; i < msg->nfds; i++)
		close_fd(&msg->fds[i]);
	msg->nfds = 0;
	if (ret < 0)
		return -1;
	if (!replied && ack) {
		if (reply_u64(vu, msg, ret ? 1 : 0) < 0)
			return -1;
	}
	if (replied && ret < 0)
		return -1;
	return 0;
}

/**
 * vu_service() - read and handle one message from the connection
 * @vu: state with a connected fd
 *
 * Return: 0, or -1 when the connection is finished (peer gone or broken).
 */
int vu_service(struct vu *vu)
{
	static struct vu_msg msg;
	int r;

	r = vu_recv(vu->fd, &msg);
	if (r == 0)
		LOG_INFO("vhost-user: front end closed the connection");
	if (r <= 0)
		return -1;
	return vu_handle(vu, &msg);
}
