/*
 * RISC-V 64 CPU interpreter (RV64IMAFDC, Zicsr, Zifencei; M/S/U;
 * Sv39/Sv48/Sv57 with 16-bit ASIDs; counters; Sdtrig)
 * with the optional extensions of RISCVExtension, chosen per bus.
 *
 * The machine builds one RISCVBus (the physical address space shared by all
 * harts), adds its host-backed regions (RAM, the reset ROM) and gives one
 * table of MMIO callbacks for everything else; then it creates harts on that
 * bus and runs them in slices with riscv_cpu_run().
 *
 * Interface rules:
 * - Everything is single-threaded: call these functions from the thread that
 *   runs the harts.  Callbacks (MMIO, time, log) run inside riscv_cpu_run()
 *   and may call riscv_cpu_set_irq(), riscv_cpu_request_exit() and
 *   riscv_bus_invalidate_range(); those take effect at the next instruction
 *   boundary.
 * - Host-backed regions are page (4 KiB) aligned and must not move or shrink
 *   while the bus exists.  Guest code running from them is decoded once and
 *   cached; anything other than a hart that writes into them (DMA, loaders
 *   after the first run) must call riscv_bus_invalidate_range().
 * - MMIO callbacks get naturally sized accesses of 1, 2, 4 or 8 bytes
 *   (misaligned guest accesses are passed through as they come); returning
 *   false raises an access fault in the guest.
 * - riscv_cpu_run() returns at the latest after `budget` instructions; it
 *   returns earlier on WFI with nothing to wake it, on an exit request or on
 *   an exception storm (see riscv_cpu_set_storm_limit()).  A hart sleeping
 *   in WFI returns at once with zero instructions until an interrupt enabled
 *   in mie becomes pending, so the caller can sleep until its next timer.
 * - PMP registers exist as storage only; no PMP checks are made.
 */
#ifndef TARGET_RISCV_CPU_H
#define TARGET_RISCV_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct RISCVBus RISCVBus;
typedef struct RISCVCPU RISCVCPU;

/* Privilege levels as encoded in mstatus.MPP. */
enum {
    RISCV_PRIV_U = 0,
    RISCV_PRIV_S = 1,
    RISCV_PRIV_M = 3,
};

/* mip bits that devices drive through riscv_cpu_set_irq(). */
#define RISCV_MIP_SSIP (1ull << 1)
#define RISCV_MIP_MSIP (1ull << 3)
#define RISCV_MIP_STIP (1ull << 5)
#define RISCV_MIP_MTIP (1ull << 7)
#define RISCV_MIP_SEIP (1ull << 9)
#define RISCV_MIP_MEIP (1ull << 11)

/* Exception causes (mcause/scause without the interrupt bit). */
enum {
    RISCV_EXC_INSN_MISALIGNED = 0,
    RISCV_EXC_INSN_ACCESS = 1,
    RISCV_EXC_ILLEGAL_INSN = 2,
    RISCV_EXC_BREAKPOINT = 3,
    RISCV_EXC_LOAD_MISALIGNED = 4,
    RISCV_EXC_LOAD_ACCESS = 5,
    RISCV_EXC_STORE_MISALIGNED = 6,
    RISCV_EXC_STORE_ACCESS = 7,
    RISCV_EXC_ECALL_U = 8,
    RISCV_EXC_ECALL_S = 9,
    RISCV_EXC_ECALL_M = 11,
    RISCV_EXC_INSN_PAGE_FAULT = 12,
    RISCV_EXC_LOAD_PAGE_FAULT = 13,
    RISCV_EXC_STORE_PAGE_FAULT = 15,
};

#define RISCV_CAUSE_INTERRUPT (1ull << 63)

/* MMIO: everything on the bus that is not a host-backed region. */
typedef struct RISCVMemOps {
    bool (*read)(void *opaque, uint64_t paddr, unsigned size, uint64_t *val);
    bool (*write)(void *opaque, uint64_t paddr, unsigned size, uint64_t val);
} RISCVMemOps;

typedef enum RISCVRunReason {
    RISCV_RUN_BUDGET,       /* ran `budget` instructions */
    RISCV_RUN_WFI,          /* in WFI, no interrupt enabled in mie pending */
    RISCV_RUN_EXIT,         /* riscv_cpu_request_exit() was called */
    RISCV_RUN_STORM,        /* same exception repeated storm_limit times */
} RISCVRunReason;

typedef struct RISCVRunResult {
    RISCVRunReason reason;
    uint64_t executed;      /* instructions executed (incl. ones that trapped) */
} RISCVRunResult;

/* Log categories for riscv_cpu_set_log(). */
#define RISCV_LOG_INT       (1u << 0)   /* every trap taken, like -d int */
#define RISCV_LOG_GUEST_ERR (1u << 1)   /* illegal CSR access and the like */

typedef void RISCVLogFn(void *opaque, const char *msg);
typedef uint64_t RISCVTimeFn(void *opaque);

/*
 * Optional extensions (target/riscv/isa.c has their names).  All harts of
 * a bus implement the same set, because decoded code is shared.
 */
typedef enum RISCVExtension {
    RISCV_EXT_ZICBOM,       /* cbo.clean/flush/inval */
    RISCV_EXT_ZICBOP,       /* prefetch hints */
    RISCV_EXT_ZICBOZ,       /* cbo.zero */
    RISCV_EXT_ZICOND,       /* czero.eqz/nez */
    RISCV_EXT_ZIHINTPAUSE,  /* pause */
    RISCV_EXT_ZBA,
    RISCV_EXT_ZBB,
    RISCV_EXT_ZBC,
    RISCV_EXT_ZBS,
    RISCV_EXT_SSTC,         /* stimecmp */
    RISCV_EXT_SVINVAL,
    RISCV_EXT_SVNAPOT,
    RISCV_EXT_SVPBMT,
    RISCV_EXT_COUNT
} RISCVExtension;
#define RISCV_EXT(e) (1u << RISCV_EXT_##e)
/* Cache-block size of Zicbom/Zicbop/Zicboz, bytes */
#define RISCV_CBO_BLOCK_SIZE 64

/* The property name QEMU uses for E ("zba"), NULL if out of range. */
const char *riscv_ext_name(unsigned e);
/* The extension called NAME (any case, "Zihintpause" as QEMU 7.2), or -1. */
int riscv_ext_lookup(const char *name);
/*
 * Extensions of a -cpu model: "rv64" (those of ours QEMU 7.2's rv64
 * enables by default: Zihintpause, Zba, Zbb, Zbc, Zbs, Sstc) or "max"
 * (all); false for other names.
 */
bool riscv_model_extensions(const char *model, uint32_t *ext);
/*
 * -cpu's satp-mode properties, QEMU 8.0's bools sv39, sv48 and sv57 (7.2
 * has none and accepts Sv57): lookup gives the mode a name stands for, or
 * -1.  choose: ON and OFF are the masks (1 << mode) the user set; returns
 * the largest mode to accept (the highest on; with none on, the one below
 * the lowest off; else the default), or -1 if a mode below the highest on
 * is off, with both in *BAD_OFF and *BAD_ON.  mmu_type: the device tree's
 * mmu-type for a largest mode ("riscv,sv57"; 0 "riscv,none").
 */
int riscv_satp_mode_lookup(const char *name);
const char *riscv_satp_mode_name(unsigned mode);
int riscv_satp_mode_choose(unsigned on, unsigned off, unsigned *bad_off,
                           unsigned *bad_on);
const char *riscv_mmu_type(unsigned mode);
/* The riscv,isa string QEMU 7.2 generates for EXT, to g_free(). */
char *riscv_isa_string(uint32_t ext);
/*
 * The performance counters' riscv,event-to-mhpmcounters cells for the
 * device tree's riscv,pmu node (as QEMU 7.2 writes them): NCELLS cells,
 * triples of first event, last event and the mask of counters.
 */
const uint32_t *riscv_pmu_dt_events(size_t *ncells);

/* ---- bus ---- */
/* A new bus implements no optional extension. */
RISCVBus *riscv_bus_new(const RISCVMemOps *mmio, void *opaque);
/* Choose the extensions (RISCV_EXT() bits); drops all decoded code. */
void riscv_bus_set_extensions(RISCVBus *bus, uint32_t ext);
uint32_t riscv_bus_get_extensions(const RISCVBus *bus);
void riscv_bus_free(RISCVBus *bus);
/*
 * Host-backed region: loads, stores and fetches go straight to `host`.
 * A read-only region (ROM) faults on store.  Returns false if unaligned or
 * overlapping another region.
 */
bool riscv_bus_add_region(RISCVBus *bus, uint64_t base, uint64_t size,
                          void *host, bool readonly);
/*
 * Translate hot guest code to host code in a buffer of BUFFER_SIZE bytes
 * (at least RISCV_JIT_MIN_BUFFER), or interpret only with 0, the default.
 * Each call drops all translations.  Returns false, and interprets, if
 * the host is not x86-64 or executable memory cannot be had.
 */
#define RISCV_JIT_DEFAULT_BUFFER ((size_t)32 << 20)
#define RISCV_JIT_MIN_BUFFER ((size_t)16 << 10)
bool riscv_bus_set_jit(RISCVBus *bus, size_t buffer_size);
/* What the translator holds; all zero when it is off. */
typedef struct RISCVJitStats {
    uint64_t blocks;        /* translated since the buffer last started over */
    uint64_t restarts;      /* times the buffer started over */
    size_t used, size;      /* bytes of code buffer */
} RISCVJitStats;
RISCVJitStats riscv_bus_get_jit_stats(const RISCVBus *bus);
/* Something other than a hart wrote guest memory: drop decoded code. */
void riscv_bus_invalidate_range(RISCVBus *bus, uint64_t paddr, uint64_t len);
/* Physical access as a hart would see it (regions, then MMIO). */
bool riscv_bus_read(RISCVBus *bus, uint64_t paddr, unsigned size,
                    uint64_t *val);
bool riscv_bus_write(RISCVBus *bus, uint64_t paddr, unsigned size,
                     uint64_t val);

/* ---- harts ---- */
RISCVCPU *riscv_cpu_new(RISCVBus *bus, uint32_t hartid);
void riscv_cpu_free(RISCVCPU *cpu);
/* Power-on state: M-mode, pc = reset_pc, interrupts off, satp bare. */
void riscv_cpu_reset(RISCVCPU *cpu, uint64_t reset_pc);
RISCVRunResult riscv_cpu_run(RISCVCPU *cpu, uint64_t budget);
/* Make riscv_cpu_run() return RISCV_RUN_EXIT at the next boundary. */
void riscv_cpu_request_exit(RISCVCPU *cpu);
/*
 * Drive device interrupt lines: mask is any of MSIP, MTIP, MEIP, SEIP (SEIP
 * is the external line, ORed with the bit software writes) and, for tests
 * or an ACLINT SSWI, SSIP/STIP.
 */
void riscv_cpu_set_irq(RISCVCPU *cpu, uint64_t mask, bool level);
/* True while the hart sleeps in WFI waiting for an interrupt. */
bool riscv_cpu_is_waiting(const RISCVCPU *cpu);
/* Source of the `time` CSR (the machine's mtime). Without it, time is 0. */
void riscv_cpu_set_time_source(RISCVCPU *cpu, RISCVTimeFn *fn, void *opaque);
/*
 * Largest satp mode accepted: 0 (bare only), 8 (Sv39), 9 (Sv48) or 10
 * (Sv57, the default, as QEMU 7.2's rv64 accepts).
 */
#define RISCV_SATP_DEFAULT 10
void riscv_cpu_set_max_satp_mode(RISCVCPU *cpu, unsigned mode);
/*
 * Sstc: STIP follows time >= stimecmp, which the hart checks at slice
 * starts and before sleeping.  FN is told the time at which this hart's
 * supervisor timer fires (UINT64_MAX: never) whenever that changes, so the
 * machine can wake a hart sleeping in WFI then.
 */
typedef void RISCVTimerFn(void *opaque, uint64_t deadline);
void riscv_cpu_set_stimer_hook(RISCVCPU *cpu, RISCVTimerFn *fn,
                               void *opaque);

/* ---- state access for the machine, debuggers and tests ---- */
uint32_t riscv_cpu_get_hartid(const RISCVCPU *cpu);
RISCVBus *riscv_cpu_get_bus(const RISCVCPU *cpu);
uint64_t riscv_cpu_get_pc(const RISCVCPU *cpu);
void riscv_cpu_set_pc(RISCVCPU *cpu, uint64_t pc);
uint64_t riscv_cpu_get_xreg(const RISCVCPU *cpu, unsigned reg);
void riscv_cpu_set_xreg(RISCVCPU *cpu, unsigned reg, uint64_t val);
uint64_t riscv_cpu_get_freg(const RISCVCPU *cpu, unsigned reg);
void riscv_cpu_set_freg(RISCVCPU *cpu, unsigned reg, uint64_t val);
unsigned riscv_cpu_get_priv(const RISCVCPU *cpu);
void riscv_cpu_set_priv(RISCVCPU *cpu, unsigned priv);
/* CSR access with M-mode rights and no side effects on failure. */
bool riscv_cpu_csr_read(RISCVCPU *cpu, unsigned csr, uint64_t *val);
bool riscv_cpu_csr_write(RISCVCPU *cpu, unsigned csr, uint64_t val);
/* Instructions executed since creation (all slices). */
uint64_t riscv_cpu_get_icount(const RISCVCPU *cpu);

/* ---- diagnostics ---- */
void riscv_cpu_set_log(RISCVCPU *cpu, unsigned mask, RISCVLogFn *fn,
                       void *opaque);
/*
 * Exception storm: the same exception (cause, epc, tval) taken again and
 * again.  The count of consecutive repeats is always tracked; with a
 * nonzero limit, run returns RISCV_RUN_STORM when it is reached.
 */
void riscv_cpu_set_storm_limit(RISCVCPU *cpu, uint64_t limit);
uint64_t riscv_cpu_get_storm_count(const RISCVCPU *cpu);

#endif
