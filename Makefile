# SPDX-License-Identifier: GPL-2.0
#
# virtio-scmi top-level Makefile.
#
#   make              build virtio_scmi.ko for the running kernel (KDIR=...)
#   make demo         build the module and boot a Debian arm64 guest that uses
#                     it against the test platform; print what the guest sees
#   make check        the default test suites (what CI runs)
#   make bench        the performance comparison with the upstream transport
#
# The kernel build itself is driven by ./Kbuild (dkms and "make -C KDIR M=..."
# read it); this file only adds the developer targets.

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNEL ?= 6.12
SUITES ?=
TESTS_ARGS ?=

.PHONY: all modules clean host-deps demo check bench

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	$(MAKE) -C tests/platform clean 2>/dev/null || true
	$(MAKE) -C tests/platform/scmi clean 2>/dev/null || true
	rm -rf results

host-deps:
	bash tests/lib/host-deps.sh

demo: host-deps
	bash tests/demo.sh --kernel $(KERNEL)

check: host-deps
	tests/run $(SUITES) $(TESTS_ARGS)

# Ends with one "goal NAME: RATIO (target OP X) met|missed" line per goal
# of issue 6; README.md's Performance section gets the new table.
bench: host-deps
	@rc=0; tests/run bench $(TESTS_ARGS) || rc=$$?; \
	bash tests/bench/finish.sh; exit $$rc
