// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - scmi-platform: options, the single-threaded epoll loop, the
 * control socket server, and the control client ("scmi-platform ctl").
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "platform.h"

enum tag { T_LISTEN = 1, T_CONN, T_KICK, T_CTL_LISTEN, T_CTL_CLIENT, T_TIMER, T_SIGNAL };

#define MAX_CLIENTS	16
#define CLIENT_BUF	4096

struct client {
	int fd;
	size_t len;
	char buf[CLIENT_BUF];
};

static struct {
	const char *socket_path, *connect_path, *control_path, *config, *log_path, *pidfile;
	bool once;
	int ep, listen_fd, ctl_fd, timer_fd, sig_fd;
	struct client clients[MAX_CLIENTS];
	struct plat plat;
	bool quit;
	uint64_t reconnect_at;
	bool ended_once;
	uint64_t timer_progress;
} d;

static void usage(FILE *out)
{
	fprintf(out,
"Usage: scmi-platform (--socket PATH | --connect PATH) [options]\n"
"       scmi-platform ctl SOCKET [COMMAND...]\n"
"\n"
"An SCMI platform (virtio device 32) served as a vhost-user back end.\n"
"\n"
"Options:\n"
"  --socket PATH    listen on the unix socket PATH for the front end (QEMU\n"
"                   -chardev socket,path=PATH); after a disconnect, wait for\n"
"                   the next connection\n"
"  --connect PATH   connect to a front end listening on PATH (QEMU\n"
"                   -chardev socket,server=on); reconnect after a disconnect\n"
"  --control PATH   control socket (line protocol, see README.md)\n"
"  --config FILE    engine configuration (default: built-in resource set)\n"
"  --log FILE       log here instead of stderr (appended)\n"
"  --pidfile FILE   write our pid to FILE (removed at exit)\n"
"  --once           exit after the first connection ends\n"
"  --no-p2a         do not offer VIRTIO_SCMI_F_P2A_CHANNELS (a single-queue\n"
"                   device: no notifications, no delayed responses)\n"
"  -v, --verbose    more log (repeat: info, debug, trace); -q: errors only\n"
"  -q, --quiet      errors only\n"
"  -h, --help       this text\n"
"\n"
"Control client: 'scmi-platform ctl SOCKET CMD...' sends one command and\n"
"prints the reply (exit 0 on OK, 1 on ERR, 2 when the socket is unusable);\n"
"without CMD it sends each line of stdin.\n"
"Control commands: stats, reset-stats, fault KIND ..., fault list, fault\n"
"clear, fuzz SEED RATE, fuzz off, exit, restart, help, engine CMD..., and\n"
"any other command is passed to the engine.\n");
}

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		fprintf(stderr, "scmi-platform: socket path too long: %s\n", path);
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

static int unix_listen(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (unix_addr(path, &sa) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		LOG_ERR("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (unix_addr(path, &sa) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void ep_add(int fd, enum tag tag, uint32_t idx)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)tag << 32 | idx };

	if (epoll_ctl(d.ep, EPOLL_CTL_ADD, fd, &ev) < 0 && errno == EEXIST)
		epoll_ctl(d.ep, EPOLL_CTL_MOD, fd, &ev);
}

static void ep_del(int fd)
{
	if (fd >= 0)
		epoll_ctl(d.ep, EPOLL_CTL_DEL, fd, NULL);
}

/* Kick fds come and go with vhost-user messages: re-register them. */
static void sync_kicks(void)
{
	unsigned int i;

	for (i = 0; i < PLAT_NUM_QUEUES; i++) {
		int fd = d.plat.vu.vq[i].kick_fd;

		if (fd >= 0) {
			ep_del(fd);
			ep_add(fd, T_KICK, i);
		}
	}
}

static void set_conn(int fd)
{
	struct timeval tv = { .tv_sec = 5 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	d.plat.vu.fd = fd;
	d.plat.st.connections++;
	ep_add(fd, T_CONN, 0);
	LOG_INFO("front end connected (connection %llu)",
		 (unsigned long long)d.plat.st.connections);
}

static void end_conn(const char *why)
{
	unsigned int i;

	if (d.plat.vu.fd < 0)
		return;
	LOG_INFO("front end connection closed: %s", why);
	ep_del(d.plat.vu.fd);
	for (i = 0; i < PLAT_NUM_QUEUES; i++)
		ep_del(d.plat.vu.vq[i].kick_fd);
	vu_disconnect(&d.plat.vu);
	if (d.once) {
		d.quit = true;
		d.ended_once = true;
		return;
	}
	if (d.connect_path)
		d.reconnect_at = now_ns() + 200000000ull;
	else
		LOG_INFO("waiting for the next connection on %s", d.socket_path);
}

static void try_connect(void)
{
	int fd = unix_connect(d.connect_path);

	if (fd < 0) {
		LOG_DBG("connect %s: %s; retrying", d.connect_path, strerror(errno));
		d.reconnect_at = now_ns() + 200000000ull;
		return;
	}
	d.reconnect_at = 0;
	set_conn(fd);
}

static void arm_timer(void)
{
	uint64_t t = plat_next_deadline(&d.plat), now = now_ns();
	struct itimerspec its = { 0 };

	if (d.reconnect_at && d.reconnect_at < t)
		t = d.reconnect_at;
	if (t != UINT64_MAX) {
		/* a due deadline that made no progress last time: back off */
		if (t <= now && d.timer_progress == UINT64_MAX)
			t = now + 10000000ull;
		if (!t)
			t = 1;
		its.it_value.tv_sec = t / 1000000000ull;
		its.it_value.tv_nsec = t % 1000000000ull;
	}
	timerfd_settime(d.timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static uint64_t progress(void)
{
	const struct plat_stats *s = &d.plat.st;

	return s->responses + s->notifications_sent + s->delayed_sent + s->p2a_injected +
	       d.plat.nheld;
}

static void client_close(struct client *c)
{
	ep_del(c->fd);
	close(c->fd);
	c->fd = -1;
	c->len = 0;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

static void client_line(struct client *c, char *line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int r;

	if (!out)
		return;
	LOG_DBG("control: %s", line);
	r = plat_ctl_line(&d.plat, line, out);
	fclose(out);
	write_all(c->fd, buf, len);
	free(buf);
	if (r == PCTL_EXIT) {
		LOG_INFO("exit requested on the control socket");
		d.quit = true;
	} else if (r == PCTL_RESTART) {
		bool once = d.once;

		d.once = false;
		end_conn("restart requested on the control socket");
		d.once = once;
		if (d.connect_path)
			d.reconnect_at = now_ns() + 1;
	}
}

static void client_read(struct client *c)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl;

	if (n <= 0) {
		client_close(c);
		return;
	}
	c->len += n;
	c->buf[c->len] = '\0';
	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t used = nl - c->buf + 1;

		*nl = '\0';
		client_line(c, c->buf);
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
		c->buf[c->len] = '\0';
		if (d.quit)
			return;
	}
	if (c->len >= sizeof(c->buf) - 1) {
		write_all(c->fd, "ERR line too long\n", 18);
		client_close(c);
	}
}

static void handle(uint64_t tagidx)
{
	enum tag tag = tagidx >> 32;
	uint32_t idx = (uint32_t)tagidx;
	uint64_t v;
	int fd, i;

	switch (tag) {
	case T_LISTEN:
		fd = accept4(d.listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			break;
		if (d.plat.vu.fd >= 0) {
			LOG_ERR("a second front end connected while one is active; refused");
			close(fd);
			break;
		}
		set_conn(fd);
		break;
	case T_CONN:
		if (vu_service(&d.plat.vu) < 0)
			end_conn("end of connection (see above)");
		else
			sync_kicks();
		break;
	case T_KICK:
		if (idx >= PLAT_NUM_QUEUES || d.plat.vu.vq[idx].kick_fd < 0)
			break;
		if (read(d.plat.vu.vq[idx].kick_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			LOG_ERR("kick fd read: %s", strerror(errno));
		if (idx == 0)
			plat_process_cmdq(&d.plat);
		else
			plat_process_eventq(&d.plat);
		break;
	case T_CTL_LISTEN:
		fd = accept4(d.ctl_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			break;
		for (i = 0; i < MAX_CLIENTS; i++) {
			if (d.clients[i].fd < 0) {
				d.clients[i].fd = fd;
				d.clients[i].len = 0;
				ep_add(fd, T_CTL_CLIENT, i);
				break;
			}
		}
		if (i == MAX_CLIENTS) {
			write_all(fd, "ERR too many control clients\n", 29);
			close(fd);
		}
		break;
	case T_CTL_CLIENT:
		if (idx < MAX_CLIENTS && d.clients[idx].fd >= 0)
			client_read(&d.clients[idx]);
		break;
	case T_TIMER: {
		uint64_t before = progress();

		if (read(d.timer_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			break;
		if (d.reconnect_at && d.reconnect_at <= now_ns() && d.plat.vu.fd < 0)
			try_connect();
		plat_timer(&d.plat);
		d.timer_progress = progress() != before ? 0 : UINT64_MAX;
		return;
	}
	case T_SIGNAL: {
		struct signalfd_siginfo si;

		if (read(d.sig_fd, &si, sizeof(si)) == sizeof(si))
			LOG_INFO("signal %u: exiting", si.ssi_signo);
		d.quit = true;
		break;
	}
	}
	d.timer_progress = 0;
}

static int ctl_client(int argc, char **argv)
{
	char line[CLIENT_BUF], rbuf[CLIENT_BUF];
	size_t rlen = 0;
	int fd, i, status = 0;
	bool from_stdin = argc < 2;
	FILE *in = NULL;

	if (argc < 1) {
		fprintf(stderr, "usage: scmi-platform ctl SOCKET [COMMAND...]\n");
		return 2;
	}
	fd = unix_connect(argv[0]);
	if (fd < 0) {
		fprintf(stderr, "scmi-platform ctl: %s: %s\n", argv[0], strerror(errno));
		return 2;
	}
	if (from_stdin)
		in = stdin;
	for (;;) {
		size_t n = 0;

		if (from_stdin) {
			if (!fgets(line, sizeof(line), in))
				break;
			n = strcspn(line, "\n");
			line[n] = '\0';
			if (!n)
				continue;
		} else {
			for (i = 1; i < argc; i++) {
				int k = snprintf(line + n, sizeof(line) - n, "%s%s", i > 1 ? " " : "",
						 argv[i]);

				if (k < 0 || (size_t)k >= sizeof(line) - n) {
					fprintf(stderr, "scmi-platform ctl: command too long\n");
					return 2;
				}
				n += k;
			}
		}
		line[n++] = '\n';
		write_all(fd, line, n);
		/* print the reply up to and including its OK / ERR line */
		for (;;) {
			char *nl = memchr(rbuf, '\n', rlen);
			ssize_t got;

			if (nl) {
				size_t ll = nl - rbuf + 1;
				bool ok = ll == 3 && !strncmp(rbuf, "OK\n", 3);
				bool err = ll >= 4 && !strncmp(rbuf, "ERR", 3) &&
					   (rbuf[3] == ' ' || rbuf[3] == '\n');

				fwrite(rbuf, 1, ll, ok || !err ? stdout : stderr);
				memmove(rbuf, rbuf + ll, rlen - ll);
				rlen -= ll;
				if (ok)
					break;
				if (err) {
					status = 1;
					break;
				}
				continue;
			}
			got = read(fd, rbuf + rlen, sizeof(rbuf) - rlen);
			if (got <= 0) {
				fprintf(stderr, "scmi-platform ctl: connection closed before OK/ERR\n");
				return 2;
			}
			rlen += got;
			if (rlen == sizeof(rbuf)) {
				fwrite(rbuf, 1, rlen, stdout);
				rlen = 0;
			}
		}
		fflush(stdout);
		if (!from_stdin)
			break;
	}
	close(fd);
	return status;
}

static void cleanup(void)
{
	if (d.socket_path)
		unlink(d.socket_path);
	if (d.control_path)
		unlink(d.control_path);
	if (d.pidfile)
		unlink(d.pidfile);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "connect", required_argument, NULL, 'C' },
		{ "control", required_argument, NULL, 'c' },
		{ "config", required_argument, NULL, 'f' },
		{ "log", required_argument, NULL, 'l' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "once", no_argument, NULL, 'o' },
		{ "no-p2a", no_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct epoll_event evs[16];
	struct scmi_engine *engine;
	char err[256] = "";
	bool no_p2a = false;
	sigset_t mask;
	int c, i;

	if (argc >= 2 && !strcmp(argv[1], "ctl"))
		return ctl_client(argc - 2, argv + 2);

	while ((c = getopt_long(argc, argv, "vqh", opts, NULL)) != -1) {
		switch (c) {
		case 's': d.socket_path = optarg; break;
		case 'C': d.connect_path = optarg; break;
		case 'c': d.control_path = optarg; break;
		case 'f': d.config = optarg; break;
		case 'l': d.log_path = optarg; break;
		case 'p': d.pidfile = optarg; break;
		case 'o': d.once = true; break;
		case 'P': no_p2a = true; break;
		case 'v': plat_verbose++; break;
		case 'q': plat_verbose = 0; break;
		case 'h': usage(stdout); return 0;
		default:
			fprintf(stderr, "scmi-platform: try --help\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "scmi-platform: unexpected argument '%s'; try --help\n", argv[optind]);
		return 2;
	}
	if (!d.socket_path == !d.connect_path) {
		fprintf(stderr, "scmi-platform: exactly one of --socket PATH or --connect PATH is "
			"required; try --help\n");
		return 2;
	}
	if (d.log_path) {
		plat_logf = fopen(d.log_path, "a");
		if (!plat_logf) {
			fprintf(stderr, "scmi-platform: --log %s: %s\n", d.log_path, strerror(errno));
			return 2;
		}
	}
	engine = scmi_engine_new(d.config, err, sizeof(err));
	if (!engine) {
		fprintf(stderr, "scmi-platform: engine: %s\n", err[0] ? err : "failed");
		return 2;
	}

	d.listen_fd = d.ctl_fd = -1;
	for (i = 0; i < MAX_CLIENTS; i++)
		d.clients[i].fd = -1;
	plat_init(&d.plat, engine);
	if (no_p2a)
		d.plat.vu.offered &= ~(1ull << VIRTIO_SCMI_F_P2A_CHANNELS);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	d.ep = epoll_create1(EPOLL_CLOEXEC);
	d.timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	d.sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (d.ep < 0 || d.timer_fd < 0 || d.sig_fd < 0) {
		fprintf(stderr, "scmi-platform: %s\n", strerror(errno));
		return 1;
	}
	ep_add(d.timer_fd, T_TIMER, 0);
	ep_add(d.sig_fd, T_SIGNAL, 0);
	if (d.socket_path) {
		d.listen_fd = unix_listen(d.socket_path);
		if (d.listen_fd < 0) {
			fprintf(stderr, "scmi-platform: cannot listen on %s: %s\n", d.socket_path,
				strerror(errno));
			return 1;
		}
		ep_add(d.listen_fd, T_LISTEN, 0);
	}
	if (d.control_path) {
		d.ctl_fd = unix_listen(d.control_path);
		if (d.ctl_fd < 0) {
			fprintf(stderr, "scmi-platform: cannot listen on %s: %s\n", d.control_path,
				strerror(errno));
			cleanup();
			return 1;
		}
		ep_add(d.ctl_fd, T_CTL_LISTEN, 0);
	}
	if (d.pidfile) {
		FILE *pf = fopen(d.pidfile, "w");

		if (!pf) {
			fprintf(stderr, "scmi-platform: --pidfile %s: %s\n", d.pidfile, strerror(errno));
			cleanup();
			return 1;
		}
		fprintf(pf, "%d\n", (int)getpid());
		fclose(pf);
	}
	LOG_INFO("serving %s %s, control %s, features 0x%llx, protocol features 0x%llx",
		 d.socket_path ? "listening on" : "connecting to",
		 d.socket_path ? d.socket_path : d.connect_path,
		 d.control_path ? d.control_path : "(none)", (unsigned long long)d.plat.vu.offered,
		 (unsigned long long)PLAT_PROTOCOL_FEATURES);
	if (d.connect_path)
		try_connect();

	while (!d.quit) {
		int n;

		arm_timer();
		n = epoll_wait(d.ep, evs, 16, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			LOG_ERR("epoll_wait: %s", strerror(errno));
			break;
		}
		for (i = 0; i < n && !d.quit; i++) {
			enum tag tag = evs[i].data.u64 >> 32;

			/* a hang-up on the connection is handled by its read */
			if (tag == T_KICK && (evs[i].events & (EPOLLHUP | EPOLLERR)) &&
			    !(evs[i].events & EPOLLIN))
				continue;
			handle(evs[i].data.u64);
		}
	}

	end_conn("exiting");
	for (i = 0; i < MAX_CLIENTS; i++)
		if (d.clients[i].fd >= 0)
			client_close(&d.clients[i]);
	plat_fini(&d.plat);
	scmi_engine_free(engine);
	cleanup();
	LOG_INFO("exit");
	return 0;
}
