// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-scmi-diag: answer "why is SCMI not up in this guest?" in one screen.
 *
 * The tool looks at the running system (or at a copy of its /proc, /sys,
 * /lib/modules, /etc and /boot under --root DIR) and walks the chain that has
 * to hold for SCMI over virtio to work: kernel with the SCMI core, the
 * virtio_scmi module installed and reachable from the device's modalias, the
 * module signed well enough for the lockdown state, loaded, a virtio device 32
 * bound to it, a device-tree node "arm,scmi-virtio", an SCMI instance bound by
 * the core and protocol devices on the SCMI bus.  Everything about modules
 * (lookup, path, modinfo, signature, load state) goes through libkmod, the
 * same library udev uses to load a module for a modalias.
 *
 * Exit status: 0 SCMI is up, 1 it is not (the failing checks say why),
 * 2 usage or internal error, 3 this system has no SCMI over virtio at all
 * (no virtio device 32 and no device-tree node).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libkmod.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef VERSION
#define VERSION "0.1.0"
#endif

#define MODNAME		"virtio_scmi"
#define INTREE_MODNAME	"scmi_transport_virtio"
#define VIRTIO_ID_SCMI	32
#define VIRTIO_VENDOR	0x1af4
#define DT_COMPATIBLE	"arm,scmi-virtio"
#define MAX_CHECKS	32
#define MAX_ITEMS	64

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, \
						      a, b)))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr)	(sizeof(arr) / sizeof((arr)[0]))
#endif

enum level { L_OK, L_INFO, L_WARN, L_FAIL };

static const char *const level_tag[] = { " ok ", "info", "warn", "FAIL" };
static const char *const level_json[] = { "ok", "info", "warn", "fail" };

struct check {
	const char *id;
	const char *title;
	enum level level;
	char msg[768];
	char hint[512];
};

static struct check checks[MAX_CHECKS];
static int nchecks;

static const char *root = "/";
static bool opt_json;
static bool opt_quiet;
static bool opt_verbose;
static bool real_root;

/* ------------------------------------------------------------------ */
/* small helpers                                                        */

static void add_check(const char *id, const char *title, enum level lvl,
		      const char *hint, const char *fmt, ...)
	__printf(5, 6);

static void add_check(const char *id, const char *title, enum level lvl,
		      const char *hint, const char *fmt, ...)
{
	struct check *c;
	va_list ap;

	if (nchecks >= MAX_CHECKS)
		return;
	c = &checks[nchecks++];
	c->id = id;
	c->title = title;
	c->level = lvl;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	snprintf(c->hint, sizeof(c->hint), "%s", hint ? hint : "");
}

/* Path of @rel (absolute, e.g. "/sys/...") below the chosen root. */
static const char *rpath(char *buf, size_t len, const char *fmt, ...)
	__printf(3, 4);

static const char *rpath(char *buf, size_t len, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (real_root)
		snprintf(buf, len, "%s", rel);
	else
		snprintf(buf, len, "%s%s", root, rel);
	return buf;
}

/* First line of a file, without the newline; false if unreadable. */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return false;
	if (!fgets(buf, (int)len, f)) {
		bool ok = !ferror(f);

		buf[0] = '\0';
		fclose(f);
		return ok;
	}
	fclose(f);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return true;
}

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Basename of the target of symlink @path, or false. */
static bool link_base(const char *path, char *buf, size_t len)
{
	char tgt[PATH_MAX];
	ssize_t n = readlink(path, tgt, sizeof(tgt) - 1);
	const char *b;

	if (n < 0)
		return false;
	tgt[n] = '\0';
	b = strrchr(tgt, '/');
	snprintf(buf, len, "%s", b ? b + 1 : tgt);
	return true;
}

static void appendf(char *buf, size_t len, const char *fmt, ...)
	__printf(3, 4);

static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used >= len - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* facts                                                                */

struct kconfig {
	char path[PATH_MAX];
	bool found;
	char scmi;		/* 'y', 'm' or 'n' for CONFIG_ARM_SCMI_PROTOCOL */
	char transport;		/* CONFIG_ARM_SCMI_TRANSPORT_VIRTIO */
	char virtio;		/* CONFIG_VIRTIO */
	char sig;		/* CONFIG_MODULE_SIG */
	char sig_force;		/* CONFIG_MODULE_SIG_FORCE */
	char clk;		/* CONFIG_COMMON_CLK_SCMI */
	char pd;		/* CONFIG_ARM_SCMI_POWER_DOMAIN */
};

struct vdev {
	char name[64];
	unsigned int vendor;
	char driver[64];
	char driver_module[64];
	char modalias[96];
};

struct scmidev {
	char name[64];
	char driver[64];
	char protocol[16];
	char pname[64];
};

static char release[256];
static struct kconfig kc;
static struct vdev vdevs[MAX_ITEMS];
static int nvdevs;
static struct scmidev sdevs[MAX_ITEMS];
static int nsdevs;
static char dt_node[PATH_MAX];
static char dt_protocols[256];

static char kconfig_value(const char *line, const char *sym)
{
	size_t n = strlen(sym);

	if (!strncmp(line, sym, n) && line[n] == '=')
		return line[n + 1] == 'y' || line[n + 1] == 'm' ? line[n + 1] : 'n';
	return 0;
}

static void load_kconfig(void)
{
	/* each line matches at most one symbol: "SYM=" is an exact prefix */
	static const struct {
		const char *sym;
		char *val;
	} syms[] = {
		{ "CONFIG_ARM_SCMI_PROTOCOL", &kc.scmi },
		{ "CONFIG_ARM_SCMI_TRANSPORT_VIRTIO", &kc.transport },
		{ "CONFIG_VIRTIO", &kc.virtio },
		{ "CONFIG_MODULE_SIG", &kc.sig },
		{ "CONFIG_MODULE_SIG_FORCE", &kc.sig_force },
		{ "CONFIG_COMMON_CLK_SCMI", &kc.clk },
		{ "CONFIG_ARM_SCMI_POWER_DOMAIN", &kc.pd },
	};
	static const char *const cand[][2] = {
		{ "/boot/config-", "" }, { "/usr/lib/modules/", "/config" },
		{ "/lib/modules/", "/config" }, { "/lib/modules/", "/build/.config" },
	};
	char path[PATH_MAX], rel[PATH_MAX], line[512];
	unsigned int i, j;
	FILE *f = NULL;

	memset(&kc, 'n', sizeof(kc));
	kc.path[0] = '\0';
	kc.found = false;
	for (i = 0; i < ARRAY_SIZE(cand) && !f; i++) {
		snprintf(rel, sizeof(rel), "%s%s%s", cand[i][0], release, cand[i][1]);
		rpath(path, sizeof(path), "%s", rel);
		f = fopen(path, "re");
		if (f)
			snprintf(kc.path, sizeof(kc.path), "%s", rel);
	}
	if (!f)
		return;
	kc.found = true;
	while (fgets(line, sizeof(line), f)) {
		for (j = 0; j < ARRAY_SIZE(syms); j++) {
			char v = kconfig_value(line, syms[j].sym);

			if (v) {
				*syms[j].val = v;
				break;
			}
		}
	}
	fclose(f);
}

static void scan_virtio(void)
{
	char dir[PATH_MAX], p[PATH_MAX], buf[128];
	struct dirent *de;
	DIR *d;

	rpath(dir, sizeof(dir), "/sys/bus/virtio/devices");
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) && nvdevs < MAX_ITEMS) {
		struct vdev *v;
		unsigned long id;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s/device", dir, de->d_name);
		if (!read_line(p, buf, sizeof(buf)))
			continue;
		id = strtoul(buf, NULL, 0);
		if (id != VIRTIO_ID_SCMI)
			continue;
		v = &vdevs[nvdevs++];
		memset(v, 0, sizeof(*v));
		snprintf(v->name, sizeof(v->name), "%s", de->d_name);
		snprintf(p, sizeof(p), "%s/%s/vendor", dir, de->d_name);
		if (read_line(p, buf, sizeof(buf)))
			v->vendor = (unsigned int)strtoul(buf, NULL, 0);
		snprintf(p, sizeof(p), "%s/%s/modalias", dir, de->d_name);
		if (!read_line(p, v->modalias, sizeof(v->modalias)))
			snprintf(v->modalias, sizeof(v->modalias), "virtio:d%08Xv%08X",
				 VIRTIO_ID_SCMI, v->vendor);
		snprintf(p, sizeof(p), "%s/%s/driver", dir, de->d_name);
		if (link_base(p, v->driver, sizeof(v->driver))) {
			snprintf(p, sizeof(p), "%s/%s/driver/module", dir, de->d_name);
			link_base(p, v->driver_module, sizeof(v->driver_module));
		}
	}
	closedir(d);
}

/* Does the NUL-separated string list in file @path contain @want? */
static bool strlist_has(const char *path, const char *want)
{
	char buf[1024];
	size_t n, off;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (off = 0; off < n; off += strlen(buf + off) + 1)
		if (!strcmp(buf + off, want))
			return true;
	return false;
}

/* Depth-first search for a node whose "compatible" holds DT_COMPATIBLE. */
static bool find_dt(const char *dir, const char *rel, int depth)
{
	char p[PATH_MAX], r[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(p, sizeof(p), "%s/compatible", dir);
	if (strlist_has(p, DT_COMPATIBLE)) {
		snprintf(dt_node, sizeof(dt_node), "%s", *rel ? rel : "/");
		d = opendir(dir);
		if (!d)
			return true;
		while ((de = readdir(d))) {
			if (!strncmp(de->d_name, "protocol@", 9))
				appendf(dt_protocols, sizeof(dt_protocols), "%s0x%s",
					*dt_protocols ? " " : "", de->d_name + 9);
		}
		closedir(d);
		return true;
	}
	if (depth > 6)
		return false;
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &st) || !S_ISDIR(st.st_mode))
			continue;
		snprintf(r, sizeof(r), "%s/%s", rel, de->d_name);
		found = find_dt(p, r, depth + 1);
	}
	closedir(d);
	return found;
}

static void scan_scmi_bus(void)
{
	char dir[PATH_MAX], p[PATH_MAX];
	struct dirent *de;
	DIR *d;

	/* the core's bus is "scmi_protocol"; accept "scmi" too */
	rpath(dir, sizeof(dir), "/sys/bus/scmi_protocol/devices");
	d = opendir(dir);
	if (!d) {
		rpath(dir, sizeof(dir), "/sys/bus/scmi/devices");
		d = opendir(dir);
	}
	if (!d)
		return;
	while ((de = readdir(d)) && nsdevs < MAX_ITEMS) {
		struct scmidev *s;

		if (de->d_name[0] == '.')
			continue;
		s = &sdevs[nsdevs++];
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "%s", de->d_name);
		snprintf(p, sizeof(p), "%s/%s/driver", dir, de->d_name);
		link_base(p, s->driver, sizeof(s->driver));
		snprintf(p, sizeof(p), "%s/%s/protocol_id", dir, de->d_name);
		read_line(p, s->protocol, sizeof(s->protocol));
		snprintf(p, sizeof(p), "%s/%s/name", dir, de->d_name);
		read_line(p, s->pname, sizeof(s->pname));
	}
	closedir(d);
}

/* Name of the first device bound to the platform driver "arm-scmi". */
static bool scmi_instance(char *devname, size_t len)
{
	char dir[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *d;

	rpath(dir, sizeof(dir), "/sys/bus/platform/drivers/arm-scmi");
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char p[PATH_MAX];
		struct stat st;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "module"))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (lstat(p, &st) || !S_ISLNK(st.st_mode))
			continue;
		snprintf(p, sizeof(p), "%s/%s/subsystem", dir, de->d_name);
		if (!exists(p) && !strchr(de->d_name, ':') &&
		    !strstr(de->d_name, "scmi"))
			continue;
		snprintf(devname, len, "%s", de->d_name);
		found = true;
	}
	closedir(d);
	return found;
}

/* Load state of a module: "live", "coming", "going", "builtin" or NULL. */
static const char *module_state(struct kmod_ctx *ctx, const char *name)
{
	static char buf[32];
	struct kmod_module *mod;
	char p[PATH_MAX];
	int st;

	if (!real_root) {
		/* libkmod reads /sys/module itself: use the tree under --root */
		rpath(p, sizeof(p), "/sys/module/%s/initstate", name);
		if (read_line(p, buf, sizeof(buf)))
			return buf;
		rpath(p, sizeof(p), "/sys/module/%s", name);
		return exists(p) ? "builtin" : NULL;
	}
	/* a module listed in /proc/modules is loaded, whatever sysfs says */
	{
		struct kmod_list *loaded = NULL, *l;
		bool found = false;

		if (kmod_module_new_from_loaded(ctx, &loaded) >= 0) {
			kmod_list_foreach(l, loaded) {
				struct kmod_module *m = kmod_module_get_module(l);

				if (!strcmp(kmod_module_get_name(m), name))
					found = true;
				kmod_module_unref(m);
			}
			kmod_module_unref_list(loaded);
		}
		if (found) {
			snprintf(buf, sizeof(buf), "live");
			return buf;
		}
	}
	if (kmod_module_new_from_name(ctx, name, &mod) < 0)
		return NULL;
	st = kmod_module_get_initstate(mod);
	kmod_module_unref(mod);
	if (st < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "%s", kmod_module_initstate_str(st));
	return buf;
}

/* ------------------------------------------------------------------ */
/* checks                                                               */

static void check_kernel(void)
{
	if (!kc.found) {
		add_check("kernel", "Kernel", L_WARN,
			  "Install the kernel's config (/boot/config-<release>) or its headers.",
			  "%s; no kernel config found (looked in /boot, /lib/modules/%s)",
			  release, release);
		return;
	}
	add_check("kernel", "Kernel", L_INFO, NULL, "%s (config %s)", release, kc.path);
}

static void check_core(struct kmod_ctx *ctx)
{
	const char *st = module_state(ctx, "scmi_core");

	if (kc.scmi == 'y' || kc.scmi == 'm' || st) {
		add_check("scmi-core", "SCMI core", L_OK, NULL,
			  "arm_scmi core %s%s%s; virtio %s",
			  kc.scmi == 'm' ? "is a module" : "is built in",
			  st ? ", state " : "", st ? st : "",
			  kc.virtio == 'y' ? "built in" : kc.virtio == 'm' ? "modular" : "not set");
		return;
	}
	add_check("scmi-core", "SCMI core", L_FAIL,
		  "This kernel cannot do SCMI; use a kernel with CONFIG_ARM_SCMI_PROTOCOL (Debian arm64 6.12 or newer).",
		  "the kernel has no SCMI core (CONFIG_ARM_SCMI_PROTOCOL not set)");
}

static void check_intree(void)
{
	if (kc.transport == 'y')
		add_check("in-tree-transport", "In-tree transport", L_WARN,
			  "This kernel needs no virtio_scmi: its built-in scmi-virtio driver owns device 32 (dkms skips it).",
			  "CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=y: the kernel has its own virtio transport");
	else if (kc.transport == 'm')
		add_check("in-tree-transport", "In-tree transport", L_WARN,
			  "This kernel needs no virtio_scmi: udev loads its scmi_transport_virtio for device 32 (dkms skips it).",
			  "CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=m: an in-tree transport module exists too");
	else
		add_check("in-tree-transport", "In-tree transport", L_OK, NULL,
			  "none (CONFIG_ARM_SCMI_TRANSPORT_VIRTIO not set): virtio_scmi is needed");
}

static bool mod_installed;
static bool mod_signed;
static char mod_path[PATH_MAX];
static char mod_signer[256];
static char mod_version[64];

static void check_installed(struct kmod_ctx *ctx)
{
	struct kmod_list *info = NULL, *l;
	struct kmod_module *mod;
	const char *p;

	if (kmod_module_new_from_name(ctx, MODNAME, &mod) < 0) {
		add_check("module-installed", "Module installed", L_FAIL, NULL,
			  "libkmod cannot create a module handle");
		return;
	}
	p = kmod_module_get_path(mod);
	if (!p) {
		add_check("module-installed", "Module installed", L_FAIL,
			  "apt install virtio-scmi-dkms (or dnf install), then check 'dkms status' and /var/lib/dkms/virtio-scmi/*/build/make.log. A kernel older than 6.12 or one with its own transport is skipped on purpose.",
			  "%s.ko is not installed for %s (not in modules.dep)", MODNAME, release);
		kmod_module_unref(mod);
		return;
	}
	mod_installed = true;
	snprintf(mod_path, sizeof(mod_path), "%s", p);
	if (!real_root && !strncmp(mod_path, root, strlen(root)))
		memmove(mod_path, mod_path + strlen(root), strlen(mod_path + strlen(root)) + 1);
	if (kmod_module_get_info(mod, &info) >= 0) {
		kmod_list_foreach(l, info) {
			const char *k = kmod_module_info_get_key(l);
			const char *v = kmod_module_info_get_value(l);

			if (!k || !v)
				continue;
			if (!strcmp(k, "version"))
				snprintf(mod_version, sizeof(mod_version), "%s", v);
			else if (!strcmp(k, "signer"))
				snprintf(mod_signer, sizeof(mod_signer), "%s", v);
			else if (!strcmp(k, "sig_id") || !strcmp(k, "signature"))
				mod_signed = true;
		}
		kmod_module_info_free_list(info);
	}
	if (*mod_signer)
		mod_signed = true;
	add_check("module-installed", "Module installed", L_OK, NULL, "%s%s%s",
		  mod_path, *mod_version ? ", version " : "", mod_version);
	kmod_module_unref(mod);
}

static void check_alias(struct kmod_ctx *ctx)
{
	char alias[96], names[512] = "";
	struct kmod_list *list = NULL, *l;
	const char *first = NULL;
	bool has_intree = false, has_ours = false;

	if (nvdevs)
		snprintf(alias, sizeof(alias), "%s", vdevs[0].modalias);
	else
		snprintf(alias, sizeof(alias), "virtio:d%08Xv%08X", VIRTIO_ID_SCMI,
			 VIRTIO_VENDOR);
	if (kmod_module_new_from_lookup(ctx, alias, &list) < 0 || !list) {
		add_check("modalias", "Modalias lookup", L_FAIL,
			  "Run 'depmod -a' and check what it indexed: modprobe -R virtio:d00000020v*.",
			  "%s resolves to no module", alias);
		return;
	}
	kmod_list_foreach(l, list) {
		struct kmod_module *m = kmod_module_get_module(l);
		const char *n = kmod_module_get_name(m);

		if (!first)
			first = n;
		if (!strcmp(n, INTREE_MODNAME))
			has_intree = true;
		else if (!strcmp(n, MODNAME))
			has_ours = true;
		appendf(names, sizeof(names), "%s%s", *names ? ", " : "", n);
		kmod_module_unref(m);
	}
	/* udev loads every module of the list: two transports race for it */
	if (has_intree && has_ours)
		add_check("modalias", "Modalias lookup", L_WARN,
			  "udev loads both transports and either may take the device: this kernel has its own, remove virtio_scmi for it (dkms skips such a kernel; it was installed by hand).",
			  "%s -> %s", alias, names);
	else if (has_intree)
		add_check("modalias", "Modalias lookup", L_OK, NULL,
			  "%s -> %s (the kernel's own transport, what udev loads)", alias, names);
	else if (first && !strcmp(first, MODNAME))
		add_check("modalias", "Modalias lookup", L_OK, NULL,
			  "%s -> %s (what udev loads)", alias, names);
	else
		add_check("modalias", "Modalias lookup", L_FAIL,
			  "udev will not load virtio_scmi for the device; reinstall the package and run depmod -a.",
			  "%s -> %s", alias, names);
	kmod_module_unref_list(list);
}

static char lockdown[32] = "unknown";
static int secure_boot = -1;

#define EFI_SECURE_BOOT "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"

static void read_security(void)
{
	char p[PATH_MAX], buf[128];
	const char *a, *b;
	FILE *f;

	if (read_line(rpath(p, sizeof(p), "/sys/kernel/security/lockdown"),
		      buf, sizeof(buf))) {
		a = strchr(buf, '[');
		b = a ? strchr(a, ']') : NULL;
		if (a && b && b - a - 1 < (long)sizeof(lockdown))
			snprintf(lockdown, sizeof(lockdown), "%.*s", (int)(b - a - 1), a + 1);
	}
	f = fopen(rpath(p, sizeof(p), "%s", EFI_SECURE_BOOT), "re");
	if (f) {
		unsigned char v[5];

		if (fread(v, 1, sizeof(v), f) == sizeof(v))
			secure_boot = v[4] ? 1 : 0;
		fclose(f);
	} else if (!exists(rpath(p, sizeof(p), "/sys/firmware/efi"))) {
		secure_boot = -2;	/* not booted through EFI */
	}
}

#define HINT_ENROL "Enrol the dkms key: mokutil --import /var/lib/dkms/mok.pub, then reboot and confirm in MokManager."

static void check_signature(const char *state)
{
	bool enforced = strcmp(lockdown, "none") && strcmp(lockdown, "unknown");
	const char *sb = secure_boot == 1 ? "on" : secure_boot == 0 ? "off" :
			 secure_boot == -2 ? "no EFI" : "unknown";

	enforced = enforced || kc.sig_force == 'y';
	if (!mod_installed) {
		add_check("signature", "Signature/lockdown", L_INFO, NULL,
			  "lockdown %s, Secure Boot %s, module signing %s", lockdown, sb,
			  kc.sig == 'y' ? "enabled" : "not enabled");
		return;
	}
	if (mod_signed) {
		add_check("signature", "Signature/lockdown", L_OK,
			  enforced && !(state && !strcmp(state, "live")) ? HINT_ENROL : NULL,
			  "module signed%s%s; lockdown %s, Secure Boot %s",
			  *mod_signer ? " by " : "", mod_signer, lockdown, sb);
		return;
	}
	if (enforced)
		add_check("signature", "Signature/lockdown", L_FAIL,
			  "The kernel refuses unsigned modules. Rebuild with dkms (it signs with /var/lib/dkms/mok.key) and enrol: mokutil --import /var/lib/dkms/mok.pub.",
			  "module is unsigned but lockdown is %s%s", lockdown,
			  kc.sig_force == 'y' ? " and CONFIG_MODULE_SIG_FORCE=y" : "");
	else
		add_check("signature", "Signature/lockdown", L_OK, NULL,
			  "module unsigned; accepted because lockdown is %s and Secure Boot %s",
			  lockdown, sb);
}

#define HINT_MODPROBE "udev should have loaded it: try 'modprobe virtio_scmi' and read 'dmesg | grep -i scmi'."

static void check_loaded(const char *state)
{
	if (state && !strcmp(state, "live"))
		add_check("module-loaded", "Module loaded", L_OK, NULL, "%s is loaded", MODNAME);
	else if (state)
		add_check("module-loaded", "Module loaded", L_WARN, NULL, "%s is %s",
			  MODNAME, state);
	else if (kc.transport == 'y')
		add_check("module-loaded", "Module loaded", L_INFO, NULL,
			  "%s not loaded (not needed: in-tree transport)", MODNAME);
	else
		add_check("module-loaded", "Module loaded", L_FAIL,
			  nvdevs ? HINT_MODPROBE : "It loads when a virtio SCMI device appears.",
			  "%s is not loaded", MODNAME);
}

static bool device_bound;

static void check_device(void)
{
	char list[512] = "";
	int i;

	if (!nvdevs) {
		add_check("virtio-device", "Virtio device 32", L_FAIL,
			  "The VMM exposes no SCMI device: QEMU needs -device vhost-user-scmi-pci (or -device vhost-user-scmi on virtio-mmio) and an SCMI back end.",
			  "no virtio device with ID %d", VIRTIO_ID_SCMI);
		return;
	}
	for (i = 0; i < nvdevs; i++) {
		const struct vdev *v = &vdevs[i];

		appendf(list, sizeof(list), "%s%s vendor 0x%04x driver %s%s%s%s", i ? "; " : "",
			v->name, v->vendor, *v->driver ? v->driver : "(none)",
			*v->driver_module ? " (module " : "", v->driver_module,
			*v->driver_module ? ")" : "");
		if (*v->driver)
			device_bound = true;
	}
	if (!device_bound)
		add_check("virtio-device", "Virtio device 32", L_FAIL,
			  "No driver took the device: is virtio_scmi loaded? See 'dmesg | grep -i scmi'.",
			  "%s", list);
	else if (strcmp(vdevs[0].driver_module, MODNAME) && kc.transport != 'y' &&
		 strcmp(vdevs[0].driver_module, INTREE_MODNAME))
		add_check("virtio-device", "Virtio device 32", L_WARN, NULL, "%s", list);
	else
		add_check("virtio-device", "Virtio device 32", L_OK, NULL, "%s", list);
}

static void check_dt(void)
{
	char dir[PATH_MAX];

	rpath(dir, sizeof(dir), "/proc/device-tree");
	if (!exists(dir)) {
		add_check("device-tree", "Device tree", L_FAIL,
			  "The SCMI core finds its transport through the device tree; this system booted without one (ACPI?).",
			  "no /proc/device-tree");
		return;
	}
	if (!find_dt(dir, "", 0)) {
		add_check("device-tree", "Device tree", L_FAIL,
			  "Add a /firmware/scmi node with compatible = \"arm,scmi-virtio\" and protocol@NN children to the guest's DT.",
			  "no node with compatible \"%s\"", DT_COMPATIBLE);
		return;
	}
	add_check("device-tree", "Device tree", L_OK, NULL, "%s (protocols: %s)", dt_node,
		  *dt_protocols ? dt_protocols : "none listed");
}

static bool instance_up;

static void check_instance(void)
{
	char dev[256], p[PATH_MAX], proto[32] = "?", fw[32] = "?", vendor[64] = "?";

	if (!scmi_instance(dev, sizeof(dev))) {
		add_check("scmi-instance", "SCMI instance", L_FAIL,
			  "The core did not bind arm-scmi: the transport is missing or the platform did not answer BASE; see 'dmesg | grep -i scmi'.",
			  "no device bound to the arm-scmi driver");
		return;
	}
	instance_up = true;
	read_line(rpath(p, sizeof(p),
			"/sys/bus/platform/drivers/arm-scmi/%s/protocol_version", dev),
		  proto, sizeof(proto));
	read_line(rpath(p, sizeof(p),
			"/sys/bus/platform/drivers/arm-scmi/%s/firmware_version", dev),
		  fw, sizeof(fw));
	read_line(rpath(p, sizeof(p), "/sys/bus/platform/drivers/arm-scmi/%s/vendor_id", dev),
		  vendor, sizeof(vendor));
	add_check("scmi-instance", "SCMI instance", L_OK, NULL,
		  "%s: SCMI %s, vendor '%s', firmware %s", dev, proto, vendor, fw);
}

static int bound_protocols;

#define HINT_PROTOCOLS "No protocol driver bound: check the DT protocol@NN nodes and the platform's protocol list."

static void check_protocols(void)
{
	char list[768] = "";
	int i;

	for (i = 0; i < nsdevs; i++) {
		const struct scmidev *s = &sdevs[i];

		if (*s->driver)
			bound_protocols++;
		appendf(list, sizeof(list), "%s%s", i ? ", " : "", s->name);
		if (*s->protocol || *s->pname)
			appendf(list, sizeof(list), " [%s%s%s]", s->protocol,
				*s->protocol && *s->pname ? " " : "", s->pname);
		appendf(list, sizeof(list), "->%s", *s->driver ? s->driver : "(unbound)");
	}
	if (!bound_protocols)
		add_check("protocols", "SCMI protocols", instance_up ? L_FAIL : L_INFO,
			  instance_up ? HINT_PROTOCOLS : NULL,
			  "%s", nsdevs ? list : "no SCMI protocol devices");
	else
		add_check("protocols", "SCMI protocols", L_OK, NULL, "%d bound: %s",
			  bound_protocols, list);
}

/* Append "name=value" for each small file under @dir (depth <= 2). */
static void collect_counters(const char *dir, const char *prefix, char *out, size_t len,
			     int depth, int *n)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		char p[PATH_MAX], name[256], val[80];
		struct stat st;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "reset") ||
		    !strcmp(de->d_name, "raw"))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "/" : "", de->d_name);
		if (lstat(p, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < 2)
				collect_counters(p, name, out, len, depth + 1, n);
			continue;
		}
		if (!S_ISREG(st.st_mode) || !(st.st_mode & 0444))
			continue;
		if (!read_line(p, val, sizeof(val)) || strlen(val) > 40)
			continue;
		appendf(out, len, "%s%s=%s", *n ? " " : "", name, val);
		(*n)++;
	}
	closedir(d);
}

static void check_counters(void)
{
	static const char *const dirs[] = { "/sys/kernel/debug/scmi",
		"/sys/kernel/debug/virtio_scmi", "/sys/kernel/debug/virtio-scmi" };
	char p[PATH_MAX], out[700] = "";
	unsigned int i;
	int n = 0;

	if (!exists(rpath(p, sizeof(p), "/sys/kernel/debug/scmi")) &&
	    !exists(rpath(p, sizeof(p), "/sys/kernel/debug/virtio_scmi"))) {
		add_check("counters", "Debugfs counters", L_INFO, NULL,
			  "not available (debugfs not mounted, not root, or no SCMI instance)");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		collect_counters(rpath(p, sizeof(p), "%s", dirs[i]),
				 strrchr(dirs[i], '/') + 1, out, sizeof(out), 0, &n);
	add_check("counters", "Debugfs counters", L_INFO, NULL, "%s", n ? out : "none");
}

/* ------------------------------------------------------------------ */
/* output                                                               */

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const char *verdict, int status)
{
	int i;

	printf("{\n  \"tool\": \"virtio-scmi-diag\",\n  \"version\": ");
	json_str(VERSION);
	printf(",\n  \"root\": ");
	json_str(root);
	printf(",\n  \"kernel\": ");
	json_str(release);
	printf(",\n  \"healthy\": %s,\n  \"exit_status\": %d,\n  \"verdict\": ",
	       status == 0 ? "true" : "false", status);
	json_str(verdict);
	printf(",\n  \"module\": {\"installed\": %s, \"path\": ", mod_installed ? "true" : "false");
	json_str(mod_path);
	printf(", \"signed\": %s, \"signer\": ", mod_signed ? "true" : "false");
	json_str(mod_signer);
	printf("},\n  \"lockdown\": ");
	json_str(lockdown);
	printf(",\n  \"secure_boot\": %s,\n  \"devices\": [",
	       secure_boot == 1 ? "true" : secure_boot == 0 ? "false" : "null");
	for (i = 0; i < nvdevs; i++) {
		printf("%s{\"name\": ", i ? ", " : "");
		json_str(vdevs[i].name);
		printf(", \"vendor\": %u, \"driver\": ", vdevs[i].vendor);
		json_str(vdevs[i].driver);
		printf(", \"module\": ");
		json_str(vdevs[i].driver_module);
		printf("}");
	}
	printf("],\n  \"protocols\": [");
	for (i = 0; i < nsdevs; i++) {
		printf("%s{\"device\": ", i ? ", " : "");
		json_str(sdevs[i].name);
		printf(", \"protocol_id\": ");
		json_str(sdevs[i].protocol);
		printf(", \"driver\": ");
		json_str(sdevs[i].driver);
		printf("}");
	}
	printf("],\n  \"checks\": [\n");
	for (i = 0; i < nchecks; i++) {
		printf("    {\"id\": ");
		json_str(checks[i].id);
		printf(", \"result\": ");
		json_str(level_json[checks[i].level]);
		printf(", \"message\": ");
		json_str(checks[i].msg);
		printf(", \"hint\": ");
		json_str(checks[i].hint);
		printf("}%s\n", i + 1 < nchecks ? "," : "");
	}
	printf("  ]\n}\n");
}

static void print_text(const char *verdict)
{
	bool color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	int i;

	if (!opt_quiet) {
		printf("virtio-scmi-diag %s: kernel %s%s%s\n", VERSION, release,
		       real_root ? "" : ", root ", real_root ? "" : root);
		for (i = 0; i < nchecks; i++) {
			const struct check *c = &checks[i];
			const char *on = "", *off = "";

			if (color && c->level == L_FAIL)
				on = "\033[1;31m", off = "\033[0m";
			else if (color && c->level == L_WARN)
				on = "\033[1;33m", off = "\033[0m";
			else if (color && c->level == L_OK)
				on = "\033[32m", off = "\033[0m";
			printf("[%s%s%s] %-19s %s\n", on, level_tag[c->level], off,
			       c->title, c->msg);
			if (*c->hint && (c->level >= L_WARN || opt_verbose))
				printf("       %-19s -> %s\n", "", c->hint);
		}
	}
	printf("%s\n", verdict);
}

static void print_help(FILE *out)
{
	fprintf(out,
		"Usage: virtio-scmi-diag [OPTION]...\n"
		"Explain in one screen whether SCMI over virtio works in this guest, and if\n"
		"not, why: kernel SCMI core and in-tree transport, virtio_scmi installed for\n"
		"the running kernel, what udev loads for the device's modalias (libkmod\n"
		"lookup, modprobe.d included), signature versus lockdown and Secure Boot,\n"
		"load state, virtio device 32 and its driver, the \"arm,scmi-virtio\"\n"
		"device-tree node, the SCMI instance, bound protocol devices and the debugfs\n"
		"counters.\n"
		"\n"
		"Options:\n"
		"  -j, --json        print a JSON object instead of text\n"
		"  -q, --quiet       print only the verdict line (exit status still set)\n"
		"  -v, --verbose     print hints for passing checks too\n"
		"  -r, --root DIR    inspect a system image under DIR instead of / (its\n"
		"                    proc/, sys/, lib/modules/, etc/modprobe.d/, boot/);\n"
		"                    the kernel release is DIR/proc/sys/kernel/osrelease\n"
		"  -k, --kernel REL  look at modules and config of kernel release REL\n"
		"                    instead of the running one\n"
		"  -h, --help        show this help and exit\n"
		"  -V, --version     show the version and exit\n"
		"\n"
		"Exit status:\n"
		"  0  SCMI is up: virtio device 32 is bound, an SCMI instance exists and\n"
		"     at least one protocol driver is bound\n"
		"  1  SCMI is not up; the FAIL lines say why and what to do\n"
		"  2  usage or internal error\n"
		"  3  this system has no SCMI over virtio (no virtio device 32 and no\n"
		"     \"arm,scmi-virtio\" device-tree node): nothing to diagnose\n"
		"\n"
		"Debugfs counters need root and a mounted debugfs (/sys/kernel/debug).\n"
		"See virtio-scmi-diag(1).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "root", required_argument, NULL, 'r' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char rootbuf[PATH_MAX], p[PATH_MAX], verdict[256];
	const char *kernel = NULL, *state;
	struct kmod_ctx *ctx;
	int c, i, status, nfail = 0;

	while ((c = getopt_long(argc, argv, "jqvr:k:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			opt_json = true;
			break;
		case 'q':
			opt_quiet = true;
			break;
		case 'v':
			opt_verbose = true;
			break;
		case 'r':
			root = optarg;
			break;
		case 'k':
			kernel = optarg;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		case 'V':
			printf("virtio-scmi-diag %s\n", VERSION);
			return 0;
		default:
			print_help(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "virtio-scmi-diag: unexpected argument '%s'\n", argv[optind]);
		print_help(stderr);
		return 2;
	}
	if (!realpath(root, rootbuf)) {
		fprintf(stderr, "virtio-scmi-diag: --root %s: %s\n", root, strerror(errno));
		return 2;
	}
	root = rootbuf;
	real_root = !strcmp(root, "/");

	if (kernel) {
		snprintf(release, sizeof(release), "%s", kernel);
	} else if (!read_line(rpath(p, sizeof(p), "/proc/sys/kernel/osrelease"), release,
			      sizeof(release)) || !*release) {
		struct utsname u;

		if (!real_root || uname(&u)) {
			fprintf(stderr, "virtio-scmi-diag: cannot tell the kernel release (%s)\n",
				p);
			return 2;
		}
		snprintf(release, sizeof(release), "%s", u.release);
	}

	if (real_root) {
		/* exactly what udev's kmod builtin uses for the running kernel */
		snprintf(p, sizeof(p), "/lib/modules/%s", release);
		ctx = kmod_new(kernel ? p : NULL, NULL);
	} else {
		static const char *const cfg_rel[] = {
			"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
			"/usr/lib/modprobe.d", "/lib/modprobe.d",
		};
		char cfg_dir[ARRAY_SIZE(cfg_rel)][PATH_MAX];
		const char *cfg[ARRAY_SIZE(cfg_rel) + 1];
		size_t k;

		for (k = 0; k < ARRAY_SIZE(cfg_rel); k++)
			cfg[k] = rpath(cfg_dir[k], sizeof(cfg_dir[k]), "%s", cfg_rel[k]);
		cfg[ARRAY_SIZE(cfg_rel)] = NULL;
		rpath(p, sizeof(p), "/lib/modules/%s", release);
		ctx = kmod_new(p, cfg);
	}
	if (!ctx) {
		fprintf(stderr, "virtio-scmi-diag: libkmod initialisation failed\n");
		return 2;
	}
	kmod_set_log_priority(ctx, 0);

	load_kconfig();
	scan_virtio();
	scan_scmi_bus();
	read_security();
	state = module_state(ctx, MODNAME);

	check_kernel();
	check_core(ctx);
	check_intree();
	check_installed(ctx);
	check_alias(ctx);
	check_signature(state);
	check_loaded(state);
	check_device();
	check_dt();
	check_instance();
	check_protocols();
	check_counters();
	kmod_unref(ctx);
	for (i = 0; i < nchecks; i++)
		nfail += checks[i].level == L_FAIL;

	if (!nvdevs && !*dt_node) {
		status = 3;
		snprintf(verdict, sizeof(verdict),
			 "verdict: no SCMI over virtio here (no virtio device %d, no \"%s\" node)",
			 VIRTIO_ID_SCMI, DT_COMPATIBLE);
	} else if (device_bound && instance_up && bound_protocols > 0 && !nfail) {
		status = 0;
		snprintf(verdict, sizeof(verdict),
			 "verdict: SCMI is up (%d protocol driver%s bound)", bound_protocols,
			 bound_protocols == 1 ? "" : "s");
	} else {
		const char *why = "unknown";

		status = 1;
		for (i = 0; i < nchecks; i++) {
			if (checks[i].level == L_FAIL) {
				why = checks[i].title;
				break;
			}
		}
		snprintf(verdict, sizeof(verdict), "verdict: SCMI is NOT up (first failure: %s)",
			 why);
	}
	if (opt_json)
		print_json(verdict + strlen("verdict: "), status);
	else
		print_text(verdict);
	return status;
}
