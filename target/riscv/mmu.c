/*
 * Address translation (Sv39/Sv48/Sv57 with hardware A/D updates, SUM, MXR,
 * MPRV, Svpbmt, Svnapot) and the software TLB behind the run loop's fast
 * paths.
 *
 * PTE bits 63:54: N (Svnapot), PBMT (Svpbmt) and reserved bits.  Any of
 * them set without its extension (PBMT: also without menvcfg.PBMTE), PBMT
 * 3, N or PBMT in a non-leaf PTE, and a NAPOT leaf other than a 64 KiB one
 * at level 0 are page faults.  Memory types change nothing here: all
 * memory is coherent and ordered.  A NAPOT page is cached as 4 KiB pieces
 * like superpages are.
 *
 * TLB rules: one TLBSet per privilege mode (data accesses use the mode MPRV
 * selects, fetches the current one), so privilege changes need no flush.
 * An entry caches a translation that passed all checks for its access type
 * under the current satp/SUM/MXR.  Write entries exist only for pages
 * whose PTE already has D set and that hold no decoded code, so fast
 * stores never need to invalidate anything.
 *
 * Address spaces (16-bit ASIDs): the U and S sets live in TLB_SLOTS slots,
 * each tagged with the whole satp it was filled under.  A satp write
 * selects the slot of the new value, or empties the least recently used
 * one for it; it flushes nothing, as the spec allows, since a guest fences
 * the page tables it changes.  Tagging with the root too (not just the
 * ASID) only ever caches less.  SFENCE.VMA with rs2 flushes the slots of
 * that ASID, without rs2 all of them; the global entries of other ASIDs'
 * slots may stay, which the spec also allows.  A global PTE is not shared
 * between slots: each address space that uses it caches it itself.
 * Clearing SUM or MXR flushes the sets of the slots that cached an entry
 * only they allowed (csr.c).  Everything here is per hart.
 */
#include <string.h>

#include "target/riscv/cpu-internal.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)
#define PTE_PPN(pte) (((pte) >> 10) & ((1ull << 44) - 1))
#define PTE_PBMT (3ull << 61)
#define PTE_N (1ull << 63)
#define PTE_RESERVED (((1ull << 7) - 1) << 54)
#define NAPOT_64K_PPN 0x8       /* ppn[3:0] of a 64 KiB NAPOT leaf */

/* Bits 63:54 of PTE acceptable under the extensions and PBMTE. */
static bool pte_high_ok(const RISCVCPU *cpu, uint64_t pte, bool leaf)
{
    uint32_t ext = cpu->bus->ext;

    if (pte & PTE_RESERVED) {
        return false;
    }
    if (pte & PTE_PBMT) {
        if (!leaf || (pte & PTE_PBMT) == PTE_PBMT ||
            !(ext & RISCV_EXT(SVPBMT)) || !(cpu->menvcfg & ENVCFG_PBMTE)) {
            return false;
        }
    }
    if (pte & PTE_N) {
        if (!leaf || !(ext & RISCV_EXT(SVNAPOT))) {
            return false;
        }
    }
    return true;
}

static const int page_fault[3] = {
    RISCV_EXC_LOAD_PAGE_FAULT, RISCV_EXC_STORE_PAGE_FAULT,
    RISCV_EXC_INSN_PAGE_FAULT };
static const int access_fault[3] = {
    RISCV_EXC_LOAD_ACCESS, RISCV_EXC_STORE_ACCESS, RISCV_EXC_INSN_ACCESS };

void riscv_update_data_mode(RISCVCPU *cpu)
{
    unsigned m = cpu->priv;

    if (m == RISCV_PRIV_M && (cpu->mstatus & MSTATUS_MPRV)) {
        m = (cpu->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
    }
    cpu->data_mode = m;
    cpu->dtlb = cpu->tlb[m];
}

int riscv_translate(RISCVCPU *cpu, uint64_t va, int acc, unsigned mode,
                    uint64_t *pa)
{
    unsigned satp_mode = cpu->satp >> SATP_MODE_SHIFT;
    unsigned levels, vabits;
    uint64_t a, pte, pte_addr, mask;
    int i;

    cpu->walk_pte = 0;
    if (mode == RISCV_PRIV_M || satp_mode == SATP_MODE_BARE) {
        *pa = va;
        return -1;
    }
    levels = satp_mode - SATP_MODE_SV39 + 3;   /* Sv39, Sv48, Sv57 */
    vabits = PAGE_BITS + 9 * levels;
    if ((int64_t)(va << (64 - vabits)) >> (64 - vabits) != (int64_t)va) {
        return page_fault[acc];
    }
    a = (cpu->satp & SATP_PPN_MASK) << PAGE_BITS;
    for (i = levels - 1;; i--) {
        pte_addr = a + ((va >> (PAGE_BITS + 9 * i)) & 511) * 8;
        if (!riscv_phys_read(cpu->bus, pte_addr, 8, &pte)) {
            return access_fault[acc];
        }
        if (!(pte & PTE_V) || ((pte & (PTE_R | PTE_W)) == PTE_W) ||
            !pte_high_ok(cpu, pte, pte & (PTE_R | PTE_X))) {
            return page_fault[acc];
        }
        if (pte & (PTE_R | PTE_X)) {
            break;
        }
        if (i == 0) {
            return page_fault[acc];
        }
        a = PTE_PPN(pte) << PAGE_BITS;
    }

    if (mode == RISCV_PRIV_U) {
        if (!(pte & PTE_U)) {
            return page_fault[acc];
        }
    } else if ((pte & PTE_U) &&
               (acc == ACC_EXEC || !(cpu->mstatus & MSTATUS_SUM))) {
        return page_fault[acc];
    }
    switch (acc) {
    case ACC_READ:
        if (!(pte & PTE_R) &&
            !((pte & PTE_X) && (cpu->mstatus & MSTATUS_MXR))) {
            return page_fault[acc];
        }
        break;
    case ACC_WRITE:
        if (!(pte & PTE_W)) {
            return page_fault[acc];
        }
        break;
    default:
        if (!(pte & PTE_X)) {
            return page_fault[acc];
        }
        break;
    }
    mask = (1ull << (PAGE_BITS + 9 * i)) - 1;
    if (i > 0 && ((PTE_PPN(pte) << PAGE_BITS) & mask)) {
        return page_fault[acc]; /* misaligned superpage */
    }
    if (pte & PTE_N) {
        if (i > 0 || (PTE_PPN(pte) & 0xf) != NAPOT_64K_PPN) {
            return page_fault[acc];
        }
        mask = (1ull << (PAGE_BITS + 4)) - 1;  /* va[15:12] pick the page */
    }
    if (!(pte & PTE_A) || (acc == ACC_WRITE && !(pte & PTE_D))) {
        pte |= PTE_A | (acc == ACC_WRITE ? PTE_D : 0);
        if (!riscv_phys_write(cpu->bus, pte_addr, 8, pte)) {
            return access_fault[acc];
        }
    }
    *pa = ((PTE_PPN(pte) << PAGE_BITS) & ~mask) | (va & mask);
    cpu->walk_pte = pte;
    return -1;
}

/* ---- the TLB ---- */

static void set_flush(TLBSet *t)
{
    memset(t, 0xff, sizeof(*t));    /* vtag TLB_INVALID everywhere */
}

static void set_flush_data(TLBSet *t, bool write)
{
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        t->read[i].vtag = TLB_INVALID;
        if (write) {
            t->write[i].vtag = TLB_INVALID;
        }
    }
}

static TLBSet *slot_set(RISCVCPU *cpu, unsigned slot, unsigned mode)
{
    return &cpu->tlb_sets[1 + 2 * slot + (mode == RISCV_PRIV_S)];
}

/*
 * A slot's sets are emptied lazily: a flushed slot other than the current
 * one is just marked unused and emptied when it is next made current, and
 * a new hart's slots are never touched until then.
 */
static void slot_flush(RISCVCPU *cpu, unsigned slot)
{
    TLBSlot *s = &cpu->slots[slot];

    if (s->used && slot == cpu->cur_slot) {
        set_flush(slot_set(cpu, slot, RISCV_PRIV_U));
        set_flush(slot_set(cpu, slot, RISCV_PRIV_S));
    } else {
        s->used = false;
    }
    s->sum_used = s->mxr_used = false;
}

static void use_slot(RISCVCPU *cpu, unsigned slot)
{
    TLBSlot *s = &cpu->slots[slot];

    if (!s->used) {
        set_flush(slot_set(cpu, slot, RISCV_PRIV_U));
        set_flush(slot_set(cpu, slot, RISCV_PRIV_S));
        s->used = true;
    }
    cpu->cur_slot = slot;
    s->last_use = ++cpu->slot_clock;
    cpu->tlb[RISCV_PRIV_U] = slot_set(cpu, slot, RISCV_PRIV_U);
    cpu->tlb[RISCV_PRIV_S] = slot_set(cpu, slot, RISCV_PRIV_S);
    riscv_update_data_mode(cpu);
    riscv_reset_fetch(cpu);
}

void riscv_tlb_reset(RISCVCPU *cpu)
{
    set_flush(&cpu->tlb_sets[0]);
    memset(cpu->slots, 0, sizeof(cpu->slots));
    cpu->tlb[RISCV_PRIV_M] = cpu->tlb[2] = &cpu->tlb_sets[0];
    cpu->slots[0].satp = cpu->satp;
    use_slot(cpu, 0);
}

void riscv_tlb_select(RISCVCPU *cpu)
{
    unsigned victim = 0;

    for (unsigned i = 0; i < TLB_SLOTS; i++) {
        if (cpu->slots[i].satp == cpu->satp) {
            use_slot(cpu, i);
            return;
        }
        if (cpu->slots[i].last_use < cpu->slots[victim].last_use) {
            victim = i;
        }
    }
    /* the least recently used address space makes room */
    cpu->slots[victim].used = false;
    cpu->slots[victim].sum_used = cpu->slots[victim].mxr_used = false;
    cpu->slots[victim].satp = cpu->satp;
    use_slot(cpu, victim);
}

void riscv_tlb_flush(RISCVCPU *cpu)
{
    for (unsigned i = 0; i < TLB_SLOTS; i++) {
        slot_flush(cpu, i);
    }
    riscv_reset_fetch(cpu);
}

void riscv_tlb_flush_asid(RISCVCPU *cpu, unsigned asid)
{
    for (unsigned i = 0; i < TLB_SLOTS; i++) {
        if (((cpu->slots[i].satp & SATP_ASID_MASK) >> SATP_ASID_SHIFT) ==
            asid) {
            slot_flush(cpu, i);
        }
    }
    riscv_reset_fetch(cpu);
}

void riscv_tlb_flush_data(RISCVCPU *cpu)
{
    for (unsigned i = 0; i < TLB_NSETS; i++) {
        if (riscv_tlb_set_live(cpu, i)) {
            set_flush_data(&cpu->tlb_sets[i], true);
        }
    }
}

void riscv_tlb_sum_cleared(RISCVCPU *cpu)
{
    for (unsigned i = 0; i < TLB_SLOTS; i++) {
        if (cpu->slots[i].sum_used) {
            set_flush_data(slot_set(cpu, i, RISCV_PRIV_S), true);
            cpu->slots[i].sum_used = false;
        }
    }
}

void riscv_tlb_mxr_cleared(RISCVCPU *cpu)
{
    for (unsigned i = 0; i < TLB_SLOTS; i++) {
        if (cpu->slots[i].mxr_used) {
            set_flush_data(slot_set(cpu, i, RISCV_PRIV_S), false);
            set_flush_data(slot_set(cpu, i, RISCV_PRIV_U), false);
            cpu->slots[i].mxr_used = false;
        }
    }
}

/*
 * Cache the data translation just made by riscv_translate() for the data
 * mode, noting in the slot what it relied on; not while a trigger of that
 * kind is armed in any mode, so every access reaches the check.
 */
static void tlb_fill(RISCVCPU *cpu, int acc, uint64_t va, uint64_t pa,
                     RISCVRegion *r)
{
    uintptr_t host_page = (uintptr_t)(r->host + ((pa & PAGE_MASK) - r->base));
    TLBEntry *e = acc == ACC_WRITE ? &cpu->dtlb->write[TLB_IDX(va)]
                                   : &cpu->dtlb->read[TLB_IDX(va)];
    TLBSlot *s = &cpu->slots[cpu->cur_slot];

    if (cpu->trig_modes[acc == ACC_WRITE]) {
        return;
    }
    if (cpu->data_mode == RISCV_PRIV_S && (cpu->walk_pte & PTE_U)) {
        s->sum_used = true;
    }
    if (acc == ACC_READ && cpu->walk_pte && !(cpu->walk_pte & PTE_R)) {
        s->mxr_used = true;
    }
    e->vtag = va & PAGE_MASK;
    e->addend = (intptr_t)(host_page - (uintptr_t)(va & PAGE_MASK));
    e->ppage = pa & PAGE_MASK;
}

void riscv_tlb_drop_code_page(RISCVBus *bus, DecodedPage *p, uint64_t ppage)
{
    for (unsigned h = 0; h < bus->nharts; h++) {
        RISCVCPU *cpu = bus->harts[h];
        for (unsigned n = 0; n < TLB_NSETS; n++) {
            TLBSet *t = &cpu->tlb_sets[n];
            if (!riscv_tlb_set_live(cpu, n)) {
                continue;
            }
            for (unsigned i = 0; i < TLB_SIZE; i++) {
                if (t->write[i].vtag != TLB_INVALID &&
                    t->write[i].ppage == ppage) {
                    t->write[i].vtag = TLB_INVALID;
                }
                if (p && t->exec[i].vtag != TLB_INVALID &&
                    t->exec[i].page == p) {
                    t->exec[i].vtag = TLB_INVALID;
                }
            }
        }
    }
}

/*
 * An access that straddles two pages: translate both halves before touching
 * anything so a fault leaves memory unchanged, then go byte by byte.  The
 * fault reports the address of the half that faulted, which is what a
 * kernel needs to fix up the right page.
 */
static bool split_translate(RISCVCPU *cpu, uint64_t va, unsigned size,
                            int acc, uint64_t pa[2], unsigned *first)
{
    uint64_t va2 = (va + size - 1) & PAGE_MASK;
    int exc;

    *first = (unsigned)(va2 - va);
    exc = riscv_translate(cpu, va, acc, cpu->data_mode, &pa[0]);
    if (exc < 0) {
        exc = riscv_translate(cpu, va2, acc, cpu->data_mode, &pa[1]);
        va = va2;
    }
    if (exc >= 0) {
        riscv_raise_exception(cpu, exc, va);
        return false;
    }
    return true;
}

static bool load_split(RISCVCPU *cpu, uint64_t va, unsigned size,
                       uint64_t *val)
{
    uint64_t pa[2], v = 0, b;
    unsigned first;

    if (!split_translate(cpu, va, size, ACC_READ, pa, &first)) {
        return false;
    }
    for (unsigned i = 0; i < size; i++) {
        uint64_t p = i < first ? pa[0] + i : pa[1] + (i - first);
        if (!riscv_phys_read(cpu->bus, p, 1, &b)) {
            riscv_raise_exception(cpu, RISCV_EXC_LOAD_ACCESS,
                                  i < first ? va : va + first);
            return false;
        }
        v |= (b & 0xff) << (8 * i);
    }
    *val = v;
    return true;
}

static bool store_split(RISCVCPU *cpu, uint64_t va, unsigned size,
                        uint64_t val)
{
    uint64_t pa[2];
    unsigned first;

    if (!split_translate(cpu, va, size, ACC_WRITE, pa, &first)) {
        return false;
    }
    for (unsigned half = 0; half < 2; half++) {
        uint64_t p = half ? pa[1] : pa[0];
        unsigned n = half ? size - first : first;
        RISCVRegion *r = riscv_bus_find_region(cpu->bus, p, n);
        if (r ? r->readonly : !cpu->bus->mmio.write) {
            riscv_raise_exception(cpu, RISCV_EXC_STORE_ACCESS,
                                  half ? va + first : va);
            return false;
        }
    }
    for (unsigned i = 0; i < size; i++) {
        uint64_t p = i < first ? pa[0] + i : pa[1] + (i - first);
        if (!riscv_phys_write(cpu->bus, p, 1, (val >> (8 * i)) & 0xff)) {
            riscv_raise_exception(cpu, RISCV_EXC_STORE_ACCESS,
                                  i < first ? va : va + first);
            return false;
        }
    }
    return true;
}

bool riscv_load_slow(RISCVCPU *cpu, uint64_t va, unsigned size,
                     uint64_t *val)
{
    uint64_t pa;
    RISCVRegion *r;
    int exc;

    if (unlikely(riscv_trigger_watched(cpu, TRIG_LOAD)) &&
        riscv_trigger_hit(cpu, TRIG_LOAD, va)) {
        return false;
    }
    if ((va & (PAGE_SIZE - 1)) + size > PAGE_SIZE) {
        return load_split(cpu, va, size, val);
    }
    cpu->tlb_misses[ACC_READ]++;
    exc = riscv_translate(cpu, va, ACC_READ, cpu->data_mode, &pa);
    if (exc >= 0) {
        riscv_raise_exception(cpu, exc, va);
        return false;
    }
    r = riscv_bus_find_region(cpu->bus, pa & PAGE_MASK, PAGE_SIZE);
    if (r) {
        uint64_t v = 0;
        tlb_fill(cpu, ACC_READ, va, pa, r);
        memcpy(&v, r->host + (pa - r->base), size);
        *val = v;
        return true;
    }
    if (!riscv_phys_read(cpu->bus, pa, size, val)) {
        riscv_raise_exception(cpu, RISCV_EXC_LOAD_ACCESS, va);
        return false;
    }
    return true;
}

bool riscv_store_slow(RISCVCPU *cpu, uint64_t va, unsigned size,
                      uint64_t val)
{
    uint64_t pa;
    RISCVRegion *r;
    int exc;

    if (unlikely(riscv_trigger_watched(cpu, TRIG_STORE)) &&
        riscv_trigger_hit(cpu, TRIG_STORE, va)) {
        return false;
    }
    if ((va & (PAGE_SIZE - 1)) + size > PAGE_SIZE) {
        return store_split(cpu, va, size, val);
    }
    cpu->tlb_misses[ACC_WRITE]++;
    exc = riscv_translate(cpu, va, ACC_WRITE, cpu->data_mode, &pa);
    if (exc >= 0) {
        riscv_raise_exception(cpu, exc, va);
        return false;
    }
    r = riscv_bus_find_region(cpu->bus, pa & PAGE_MASK, PAGE_SIZE);
    if (r) {
        if (r->readonly) {
            riscv_raise_exception(cpu, RISCV_EXC_STORE_ACCESS, va);
            return false;
        }
        /* writing code: drop its decoded form, then the page is plain data */
        riscv_icache_invalidate_page(cpu->bus, r, (pa - r->base) >> PAGE_BITS);
        tlb_fill(cpu, ACC_WRITE, va, pa, r);
        memcpy(r->host + (pa - r->base), &val, size);
        return true;
    }
    if (!riscv_phys_write(cpu->bus, pa, size, val)) {
        riscv_raise_exception(cpu, RISCV_EXC_STORE_ACCESS, va);
        return false;
    }
    return true;
}

bool riscv_fetch_refill(RISCVCPU *cpu, uint64_t pc)
{
    uint64_t vpage = pc & PAGE_MASK;
    TLBEntry *e = &cpu->tlb[cpu->priv]->exec[TLB_IDX(pc)];

    if (e->vtag != vpage) {
        uint64_t pa;
        RISCVRegion *r;
        DecodedPage *p;
        int exc;

        cpu->tlb_misses[ACC_EXEC]++;
        exc = riscv_translate(cpu, pc, ACC_EXEC, cpu->priv, &pa);
        if (exc >= 0) {
            riscv_raise_exception(cpu, exc, pc);
            return false;
        }
        r = riscv_bus_find_region(cpu->bus, pa & PAGE_MASK, PAGE_SIZE);
        if (!r) {
            riscv_raise_exception(cpu, RISCV_EXC_INSN_ACCESS, pc);
            return false;
        }
        p = riscv_icache_get(cpu->bus, r, pa & PAGE_MASK);
        e->vtag = vpage;
        e->page = p;
        e->ppage = pa & PAGE_MASK;
    }
    cpu->fetch_page = e->page;
    cpu->fetch_vbase = vpage;
    return true;
}

bool riscv_fetch_crosspage(RISCVCPU *cpu, uint64_t pc, uint32_t *insn)
{
    const uint8_t *lo = cpu->fetch_page->host + (PAGE_SIZE - 2);
    uint64_t pa, hi;
    int exc = riscv_translate(cpu, pc + 2, ACC_EXEC, cpu->priv, &pa);

    if (exc >= 0) {
        riscv_raise_exception(cpu, exc, pc + 2);
        return false;
    }
    if (!riscv_bus_find_region(cpu->bus, pa, 2) ||
        !riscv_phys_read(cpu->bus, pa, 2, &hi)) {
        riscv_raise_exception(cpu, RISCV_EXC_INSN_ACCESS, pc + 2);
        return false;
    }
    *insn = lduw_le_p(lo) | (uint32_t)hi << 16;
    return true;
}
