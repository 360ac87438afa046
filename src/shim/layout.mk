# SPDX-License-Identifier: GPL-2.0
#
# Fail-closed check of the shim's arm_scmi core layout against the target
# kernel's BTF.  The top-level Kbuild includes this file after obj-m and the
# module's object list are set.
#
# 1. src/shim/btfcheck (a host program, plain C) is built with HOSTCC.
# 2. src/shim/layout.c is compiled to assembly with the module's own flags;
#    its "->" markers become src/shim/layout.txt (struct sizes, member
#    offsets and sizes of everything the selected abi-*.h declares).
# 3. btfcheck compares layout.txt with the kernel's BTF and, on success,
#    touches src/shim/layout.ok.  Every object of the module depends on that
#    stamp, so a mismatch stops the build before anything is compiled.
#
# BTF is looked for in this order:
#	VSCMI_BTF=<file>		given on the make command line (raw BTF
#					or an ELF vmlinux); must exist
#	$(objtree)/vmlinux		Debian's linux-headers-* ship it
#	/sys/kernel/btf/vmlinux		only when building for the running
#					kernel (KERNELRELEASE = uname -r)
# Without any, the build stops (fail closed), unless VSCMI_ALLOW_NO_BTF=1 is
# given or the file /etc/virtio-scmi/allow-no-btf exists (README): then it
# continues after one warning line saying that the layout was not checked.
# src/shim/kernel-check.sh applies the same rule before dkms starts make.
#
# Make variables (command line):
#	VSCMI_FORCE_ABI=612|613|614|701	select the ABI revision instead of
#					LINUX_VERSION_CODE (compile tests)
#	VSCMI_SKIP_LAYOUT_CHECK=1	do not compare with BTF; the module is
#					for compile tests only and must not be
#					loaded
#	VSCMI_BTF=<file>		the BTF to check against (see above)
#	VSCMI_ALLOW_NO_BTF=1		build without BTF, layout unchecked
#	VSCMI_LAYOUT_ONLY=1		build and run the check only

vscmi-shim := src/shim

ifneq ($(VSCMI_FORCE_ABI),)
ccflags-y += -DVSCMI_FORCE_ABI=$(VSCMI_FORCE_ABI)
endif

hostprogs += $(vscmi-shim)/btfcheck
targets += $(vscmi-shim)/layout.s $(vscmi-shim)/layout.txt $(vscmi-shim)/layout.ok
clean-files += $(vscmi-shim)/layout.s $(vscmi-shim)/layout.txt \
	       $(vscmi-shim)/layout.ok $(vscmi-shim)/btfcheck

ifeq ($(VSCMI_SKIP_LAYOUT_CHECK),1)
vscmi-btf :=
vscmi-btf-why := virtio_scmi: layout check skipped (VSCMI_SKIP_LAYOUT_CHECK=1): compile-only build, do not load this module
else ifneq ($(VSCMI_BTF),)
vscmi-btf := $(abspath $(VSCMI_BTF))
ifeq ($(wildcard $(vscmi-btf)),)
$(error virtio_scmi: VSCMI_BTF=$(VSCMI_BTF): no such file)
endif
else
vscmi-btf := $(abspath $(wildcard $(objtree)/vmlinux))
ifeq ($(vscmi-btf),)
ifeq ($(KERNELRELEASE),$(shell uname -r))
vscmi-btf := $(wildcard /sys/kernel/btf/vmlinux)
endif
endif
vscmi-btf-why := virtio_scmi: warning: no BTF for Linux $(KERNELRELEASE) (no VSCMI_BTF=, \
	no $(abspath $(objtree))/vmlinux, not the running kernel): the arm_scmi core layout was NOT checked
ifeq ($(vscmi-btf),)
ifneq ($(VSCMI_ALLOW_NO_BTF),1)
ifeq ($(wildcard /etc/virtio-scmi/allow-no-btf),)
$(error virtio_scmi: no BTF for Linux $(KERNELRELEASE) (no VSCMI_BTF=, no $(abspath $(objtree))/vmlinux, \
	not the running kernel): refusing to build with an unchecked arm_scmi core layout; \
	VSCMI_ALLOW_NO_BTF=1 or /etc/virtio-scmi/allow-no-btf overrides (README))
endif
endif
endif
endif

# The listing: the text of every ".ascii "->..."" marker of the assembly.
quiet_cmd_vscmi_layout = LAYOUT  $@
      cmd_vscmi_layout = sed -n 's/^[[:space:]]*\.ascii[[:space:]]*"->\(.*\)".*/\1/p' $< >$@

$(obj)/$(vscmi-shim)/layout.txt: $(obj)/$(vscmi-shim)/layout.s FORCE
	$(call if_changed,vscmi_layout)

ifneq ($(vscmi-btf),)
quiet_cmd_vscmi_btfcheck = BTFCHK  $(vscmi-btf)
      cmd_vscmi_btfcheck = rm -f $@; $(obj)/$(vscmi-shim)/btfcheck \
			   $(obj)/$(vscmi-shim)/layout.txt $(vscmi-btf) || exit 1; touch $@
vscmi-btf-dep := $(vscmi-btf)
else
quiet_cmd_vscmi_btfcheck = BTFCHK  none
      cmd_vscmi_btfcheck = echo '$(vscmi-btf-why)'; touch $@
vscmi-btf-dep :=
endif

$(obj)/$(vscmi-shim)/layout.ok: $(obj)/$(vscmi-shim)/btfcheck \
		$(obj)/$(vscmi-shim)/layout.txt $(vscmi-btf-dep) FORCE
	$(call if_changed,vscmi_btfcheck)

ifeq ($(VSCMI_LAYOUT_ONLY),1)
# The check alone (src/shim/kernel-check.sh): no module is built.
always-y += $(vscmi-shim)/layout.ok
else
# Every object of every module of this Kbuild waits for the check.
vscmi-mod-objs := $(foreach m,$(obj-m),$(m) $($(m:.o=-y)) $($(m:.o=-objs)))
ifeq ($(strip $(obj-m)),)
$(error virtio_scmi: the layout check must be included after obj-m and the object list)
endif
$(addprefix $(obj)/,$(vscmi-mod-objs)): $(obj)/$(vscmi-shim)/layout.ok
endif
