// An ILLUSTRATIVE province for demos and tests: the 18 district-level units and the main
// departments of Quảng Nam with made-up heads, 2022 capital plans and a year of disbursements.
// Every figure, name, decision number and address is invented (dữ liệu minh họa).
//
// generateDemoProvince(seed) is pure and deterministic; loadDemoProvince(container, province)
// posts it through the catalog and ledger services, so every ledger rule applies to it.
import type { Principal } from "../src/access/principal.js";
import type { Unit } from "../src/catalog/catalog.repository.js";
import type { Container } from "../src/container.js";
import { addDays, daysBetween, type LocalDate } from "../src/domain/local-date.js";
import type {
  AllocationInput,
  CapitalSource,
  CapitalType,
  DisbursementInput,
} from "../src/ledger/ledger.types.js";

export const DEMO_NOTE = "dữ liệu minh họa";
export const DEMO_PRINCIPAL: Principal = {
  keyId: "seed-demo",
  name: "seed:demo",
  role: "admin",
  unitCodes: [],
};
/** Every 2022 date of the demo is in the past at this instant (2023-02-15 in Vietnam). */
export const DEMO_NOW = "2023-02-15T03:00:00Z";
export const DEFAULT_DEMO_SEED = 2022;

type Category = "city" | "plain" | "mountain" | "poor" | "department";
type Program = "NTM" | "GNBV" | "DTTS";

type UnitDef = { code: string; name: string; slug: string; category: Category; dtts?: boolean };

// Quảng Nam's 18 district-level units in 2022 (plan-2022.md); the six poor districts are "poor".
const DISTRICTS: UnitDef[] = [
  { code: "TAM_KY", name: "UBND thành phố Tam Kỳ", slug: "tam-ky", category: "city" },
  { code: "HOI_AN", name: "UBND thành phố Hội An", slug: "hoi-an", category: "city" },
  { code: "DIEN_BAN", name: "UBND thị xã Điện Bàn", slug: "dien-ban", category: "city" },
  { code: "THANG_BINH", name: "UBND huyện Thăng Bình", slug: "thang-binh", category: "plain" },
  { code: "QUE_SON", name: "UBND huyện Quế Sơn", slug: "que-son", category: "plain", dtts: true },
  { code: "NONG_SON", name: "UBND huyện Nông Sơn", slug: "nong-son", category: "mountain" },
  { code: "DUY_XUYEN", name: "UBND huyện Duy Xuyên", slug: "duy-xuyen", category: "plain" },
  { code: "DAI_LOC", name: "UBND huyện Đại Lộc", slug: "dai-loc", category: "plain", dtts: true },
  { code: "DONG_GIANG", name: "UBND huyện Đông Giang", slug: "dong-giang", category: "poor" },
  { code: "TAY_GIANG", name: "UBND huyện Tây Giang", slug: "tay-giang", category: "poor" },
  { code: "NAM_GIANG", name: "UBND huyện Nam Giang", slug: "nam-giang", category: "poor" },
  { code: "PHUOC_SON", name: "UBND huyện Phước Sơn", slug: "phuoc-son", category: "poor" },
  { code: "HIEP_DUC", name: "UBND huyện Hiệp Đức", slug: "hiep-duc", category: "mountain" },
  { code: "TIEN_PHUOC", name: "UBND huyện Tiên Phước", slug: "tien-phuoc", category: "mountain" },
  { code: "BAC_TRA_MY", name: "UBND huyện Bắc Trà My", slug: "bac-tra-my", category: "poor" },
  { code: "NAM_TRA_MY", name: "UBND huyện Nam Trà My", slug: "nam-tra-my", category: "poor" },
  { code: "NUI_THANH", name: "UBND huyện Núi Thành", slug: "nui-thanh", category: "plain", dtts: true },
  { code: "PHU_NINH", name: "UBND huyện Phú Ninh", slug: "phu-ninh", category: "plain", dtts: true },
];

const DEPARTMENTS: UnitDef[] = [
  { code: "SO_KHDT", name: "Sở Kế hoạch và Đầu tư", slug: "so-khdt", category: "department" },
  { code: "SO_TC", name: "Sở Tài chính", slug: "so-tc", category: "department" },
  {
    code: "SO_NNPTNT",
    name: "Sở Nông nghiệp và Phát triển nông thôn",
    slug: "so-nnptnt",
    category: "department",
  },
  {
    code: "SO_LDTBXH",
    name: "Sở Lao động - Thương binh và Xã hội",
    slug: "so-ldtbxh",
    category: "department",
  },
  { code: "BAN_DAN_TOC", name: "Ban Dân tộc tỉnh", slug: "ban-dan-toc", category: "department" },
  { code: "SO_GDDT", name: "Sở Giáo dục và Đào tạo", slug: "so-gddt", category: "department" },
  { code: "SO_YT", name: "Sở Y tế", slug: "so-yt", category: "department" },
  {
    code: "SO_VHTTDL",
    name: "Sở Văn hóa, Thể thao và Du lịch",
    slug: "so-vhttdl",
    category: "department",
  },
  { code: "SO_TTTT", name: "Sở Thông tin và Truyền thông", slug: "so-tttt", category: "department" },
];

type Line = { program: Program; source: CapitalSource; capitalType: CapitalType; millions: [number, number] };
const line = (
  program: Program,
  source: CapitalSource,
  capitalType: CapitalType,
  lo: number,
  hi: number,
): Line => ({ program, source, capitalType, millions: [lo, hi] });

/** The 2022 capital plan lines of a district-level unit, ranges in millions of đồng. */
function districtLines(u: UnitDef): Line[] {
  const c = u.category;
  const out: Line[] = [];
  // New Rural Development: everyone; the better-off put up their own counterpart funds.
  if (c === "city") out.push(line("NTM", "central", "investment", 9_000, 16_000));
  if (c === "plain") out.push(line("NTM", "central", "investment", 14_000, 28_000));
  if (c === "mountain") out.push(line("NTM", "central", "investment", 9_000, 18_000));
  if (c === "poor") out.push(line("NTM", "central", "investment", 5_000, 10_000));
  out.push(line("NTM", "central", "recurrent", 1_500, 5_000));
  out.push(
    line("NTM", "provincial", "investment", c === "poor" ? 3_000 : 5_000, c === "poor" ? 6_000 : 14_000),
  );
  if (c === "city") out.push(line("NTM", "district", "investment", 6_000, 15_000));
  if (c === "plain") out.push(line("NTM", "district", "investment", 3_000, 9_000));
  if (c === "mountain") out.push(line("NTM", "district", "investment", 1_000, 3_000));
  // Sustainable Poverty Reduction: investment only in the poor districts (their infrastructure).
  if (c === "poor") {
    out.push(line("GNBV", "central", "investment", 18_000, 38_000));
    out.push(line("GNBV", "central", "recurrent", 6_000, 14_000));
    out.push(line("GNBV", "provincial", "recurrent", 1_000, 3_000));
  } else {
    out.push(
      line("GNBV", "central", "recurrent", c === "mountain" ? 2_000 : 800, c === "mountain" ? 5_000 : 2_500),
    );
    out.push(line("GNBV", "provincial", "recurrent", 300, 1_000));
  }
  // Ethnic-minority and mountainous areas: the mountain districts and the midland ones with
  // minority communes; the lowland cities have none.
  if (c === "poor") {
    out.push(line("DTTS", "central", "investment", 32_000, 70_000));
    out.push(line("DTTS", "central", "recurrent", 10_000, 25_000));
    out.push(line("DTTS", "provincial", "investment", 3_000, 8_000));
  } else if (c === "mountain") {
    out.push(line("DTTS", "central", "investment", 8_000, 20_000));
    out.push(line("DTTS", "central", "recurrent", 3_000, 8_000));
    out.push(line("DTTS", "provincial", "investment", 1_000, 3_000));
  } else if (u.dtts) {
    out.push(line("DTTS", "central", "investment", 2_000, 6_000));
    out.push(line("DTTS", "central", "recurrent", 500, 2_000));
  }
  return out;
}

/** Departments carry out the programmes' province-wide projects; Sở Tài chính holds no capital. */
const DEPARTMENT_LINES: Record<string, Line[]> = {
  SO_KHDT: [
    line("NTM", "central", "recurrent", 500, 1_500),
    line("GNBV", "central", "recurrent", 300, 1_000),
    line("DTTS", "central", "recurrent", 300, 1_000),
  ],
  SO_TC: [],
  SO_NNPTNT: [
    line("NTM", "central", "recurrent", 3_000, 8_000),
    line("NTM", "provincial", "recurrent", 2_000, 5_000),
    line("GNBV", "central", "recurrent", 2_000, 4_000),
  ],
  SO_LDTBXH: [
    line("GNBV", "central", "recurrent", 10_000, 20_000),
    line("GNBV", "provincial", "recurrent", 1_000, 3_000),
  ],
  BAN_DAN_TOC: [
    line("DTTS", "central", "recurrent", 8_000, 15_000),
    line("DTTS", "central", "investment", 5_000, 12_000),
  ],
  SO_GDDT: [
    line("DTTS", "central", "investment", 15_000, 30_000),
    line("DTTS", "central", "recurrent", 3_000, 6_000),
  ],
  SO_YT: [line("DTTS", "central", "recurrent", 2_000, 5_000)],
  SO_VHTTDL: [line("DTTS", "central", "recurrent", 2_000, 5_000)],
  SO_TTTT: [line("GNBV", "central", "recurrent", 1_000, 3_000)],
};

// The province's decisions of the demo (numbers and dates invented, in Quảng Nam's style).
const DECISION_INVESTMENT = { ref: "126/QĐ-UBND", on: "2022-01-14" };
const DECISION_RECURRENT = { ref: "235/QĐ-UBND", on: "2022-01-25" };
const DECISION_CARRY_OVER = { ref: "298/QĐ-UBND", on: "2022-01-28" };
const DECISION_SUPPLEMENT = { ref: "1789/QĐ-UBND", on: "2022-06-24" };
const DECISION_ADJUSTMENT = { ref: "2416/QĐ-UBND", on: "2022-08-12" };

export const M60_DATE = "2022-09-30";
export const M90_DATE = "2022-12-31";
const FIRST_REPORT = "2022-02-11"; // the first Friday after the Tết Nhâm Dần holiday
const LAST_TREASURY_DAY = "2022-12-30"; // 31/12/2022 was a Saturday
const REFUND_DATE = "2023-01-31"; // end of the budget adjustment period
const TET_2023 = { from: "2023-01-20", to: "2023-01-26" }; // Tết Quý Mão: no reports

export type DemoProvince = {
  seed: number;
  units: Unit[];
  allocations: AllocationInput[];
  disbursements: DisbursementInput[];
  /** What the data was made to show; tests check the loaded ledger against it. */
  intended: {
    /** Own 2022 capital disbursed not above 60% at 30/9/2022 (every program of the unit). */
    below60AtSep30: string[];
    /** Own 2022 capital disbursed not above 90% at 31/12/2022 (every program of the unit). */
    below90AtDec31: string[];
    /** Units holding 2021 capital carried over into 2022. */
    carriedOver: string[];
    /** Carried-over 2021 capital not fully disbursed at 31/12/2022. */
    carriedOverShort: string[];
    /** Units without any capital plan. */
    withoutCapital: string[];
  };
};

/** mulberry32: a small, fast, seeded PRNG; the same seed gives the same province everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const between = (lo: number, hi: number) => lo + (hi - lo) * next();
  const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const shuffle = <T>(xs: readonly T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return { next, between, int, pick, shuffle };
}
type Rng = ReturnType<typeof prng>;

const SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Đặng", "Bùi", "Hồ", "Ngô", "Đoàn"];
const MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Quang", "Thanh", "Hữu", "Công", "Xuân"];
const GIVEN = ["Hùng", "Lan", "Sơn", "Tâm", "Phúc", "Hải", "Dũng", "Hoa", "Trung", "Bình", "Nam", "Hương"];

function headOf(u: UnitDef, rng: Rng): Pick<Unit, "headName" | "headEmail" | "ccEmails"> {
  const headName = `${rng.pick(SURNAMES)} ${rng.pick(MIDDLE)} ${rng.pick(GIVEN)}`;
  const domain = `${u.slug}.example.org`;
  if (u.category === "department") {
    const title = u.code === "BAN_DAN_TOC" ? "truongban" : "giamdoc";
    // Phòng Kế hoạch - Tài chính of the department keeps the figures.
    return { headName, headEmail: `${title}@${domain}`, ccEmails: [`khtc@${domain}`] };
  }
  // Phòng Tài chính - Kế hoạch of the district keeps the figures.
  return { headName, headEmail: `chutich@${domain}`, ccEmails: [`tckh@${domain}`] };
}

/** Targets of one unit's own 2022 capital: cumulative shares at 30/9, 31/12 and 31/1/2023. */
type Pace = { sep: number; dec: number; jan: number };

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Cumulative share of a scope disbursed by `date`: slow start, a push to 30/9, a rush in December. */
function shareOn(date: LocalDate, start: LocalDate, pace: Pace): number {
  if (date < start) return 0;
  if (date <= M60_DATE) return pace.sep * (daysBetween(start, date) / daysBetween(start, M60_DATE)) ** 1.7;
  if (date <= LAST_TREASURY_DAY)
    return (
      pace.sep +
      (pace.dec - pace.sep) * (daysBetween(M60_DATE, date) / daysBetween(M60_DATE, LAST_TREASURY_DAY)) ** 2
    );
  return (
    pace.dec +
    (pace.jan - pace.dec) *
      Math.min(1, daysBetween(LAST_TREASURY_DAY, date) / daysBetween(LAST_TREASURY_DAY, REFUND_DATE))
  );
}

/** The dates a unit reports on: every one or two Fridays, weekly in Q4, always on the deadlines. */
function reportDates(cadenceDays: number, until: LocalDate): LocalDate[] {
  const dates = new Set<LocalDate>();
  for (let d = FIRST_REPORT; d <= until; ) {
    if (d < TET_2023.from || d > TET_2023.to) dates.add(d);
    d = addDays(d, d >= "2022-09-30" ? 7 : cadenceDays);
  }
  for (const d of [M60_DATE, LAST_TREASURY_DAY, REFUND_DATE]) if (d <= until) dates.add(d);
  return [...dates].sort();
}

const MILLION = 1_000_000n;
const PPM = 1_000_000;

/** Builds the whole province from `seed`; the same seed always gives the same data. */
export function generateDemoProvince(seed: number = DEFAULT_DEMO_SEED): DemoProvince {
  const rng = prng(seed);
  const defs = [...DISTRICTS, ...DEPARTMENTS];
  const units: Unit[] = defs.map((u) => ({
    code: u.code,
    name: u.name,
    kind: u.category === "department" ? "department" : "district",
    ...headOf(u, rng),
  }));

  const linesOf = new Map(
    defs.map((u) => [u.code, u.category === "department" ? DEPARTMENT_LINES[u.code]! : districtLines(u)]),
  );
  const withCapital = defs.filter((u) => linesOf.get(u.code)!.length > 0).map((u) => u.code);
  const withoutCapital = defs.filter((u) => linesOf.get(u.code)!.length === 0).map((u) => u.code);

  // Four laggards at 30/9; two of them, remote poor districts, still behind at 31/12.
  const poor = DISTRICTS.filter((u) => u.category === "poor").map((u) => u.code);
  const below90AtDec31 = rng.shuffle(poor).slice(0, 2).sort();
  const others = rng.shuffle(withCapital.filter((c) => !below90AtDec31.includes(c)));
  const below60AtSep30 = [...below90AtDec31, ...others.slice(0, 2)].sort();

  // The margins keep every program of a unit on the intended side of 60% and 90%.
  const paces = new Map<string, Pace>();
  for (const code of withCapital) {
    const sep = below60AtSep30.includes(code) ? rng.between(0.38, 0.52) : rng.between(0.65, 0.78);
    const dec = below90AtDec31.includes(code)
      ? rng.between(0.72, 0.84)
      : below60AtSep30.includes(code)
        ? rng.between(0.93, 0.95)
        : rng.between(0.94, 0.985);
    const jan = clamp(dec + rng.between(0.01, 0.05), dec, 1);
    paces.set(code, { sep, dec, jan });
  }

  const allocations: AllocationInput[] = [];
  const scopes: { scope: AllocationInput; total: bigint; pace: Pace; start: LocalDate; until: LocalDate }[] =
    [];
  const districtDecision = new Map<string, { ref: string; on: LocalDate }>();

  for (const u of defs) {
    const pace = paces.get(u.code);
    for (const l of linesOf.get(u.code)!) {
      const amount = BigInt(rng.int(l.millions[0], l.millions[1])) * MILLION;
      let decision = l.capitalType === "investment" ? DECISION_INVESTMENT : DECISION_RECURRENT;
      if (l.source === "district") {
        // Counterpart funds are decided by the district's own people's committee.
        if (!districtDecision.has(u.code))
          districtDecision.set(u.code, {
            ref: `${rng.int(12, 95)}/QĐ-UBND`,
            on: `2022-01-${rng.int(17, 28)}`,
          });
        decision = districtDecision.get(u.code)!;
      }
      const a: AllocationInput = {
        unitCode: u.code,
        program: l.program,
        planYear: 2022,
        carriedOverFrom: null,
        source: l.source,
        capitalType: l.capitalType,
        amount,
        decisionRef: decision.ref,
        decidedOn: decision.on,
        note: DEMO_NOTE,
      };
      allocations.push(a);
      // Investment waits for tenders; recurrent money starts sooner. Noise per scope stays small.
      const start = addDays(FIRST_REPORT, l.capitalType === "investment" ? rng.int(14, 70) : rng.int(0, 35));
      const p = pace!;
      const sep = clamp(p.sep + rng.between(-0.03, 0.03), 0.05, 0.95);
      const dec = clamp(p.dec + rng.between(-0.012, 0.012), sep, 1);
      const jan = clamp(p.jan + rng.between(-0.01, 0.01), dec, 1);
      scopes.push({ scope: a, total: amount, pace: { sep, dec, jan }, start, until: REFUND_DATE });
    }
  }

  // Two units get a supplement in June, one gives some capital back in August (both before 30/9).
  const byScopeOf = (code: string) => scopes.filter((s) => s.scope.unitCode === code);
  const regular = withCapital.filter((c) => !below60AtSep30.includes(c) && byScopeOf(c).length > 1);
  const [supplemented1, supplemented2, reduced] = rng.shuffle(regular);
  for (const code of [supplemented1!, supplemented2!]) {
    // The unit's largest line, and at most 15% more, so that nothing disbursed before the
    // supplement ever exceeds the capital allocated by then.
    const s = byScopeOf(code).reduce((a, b) => (b.total > a.total ? b : a));
    const extra = ((s.total * BigInt(rng.int(5, 15))) / 100n / MILLION) * MILLION;
    allocations.push({
      ...s.scope,
      amount: extra,
      decisionRef: DECISION_SUPPLEMENT.ref,
      decidedOn: DECISION_SUPPLEMENT.on,
      note: `${DEMO_NOTE}; bổ sung kế hoạch vốn`,
    });
    s.total += extra;
  }
  {
    const s = byScopeOf(reduced!).reduce((a, b) => (b.total > a.total ? b : a));
    const cut = (s.total / 10n / MILLION) * MILLION;
    allocations.push({
      ...s.scope,
      amount: -cut,
      decisionRef: DECISION_ADJUSTMENT.ref,
      decidedOn: DECISION_ADJUSTMENT.on,
      note: `${DEMO_NOTE}; điều chỉnh giảm kế hoạch vốn`,
    });
    s.total -= cut;
  }

  // 2021 capital whose disbursement deadline was extended to the end of 2022: four districts.
  const carriedOver = rng
    .shuffle(DISTRICTS.filter((u) => u.category !== "city").map((u) => u.code))
    .slice(0, 4)
    .sort();
  const carriedOverShort = [rng.pick(carriedOver)];
  for (const code of carriedOver) {
    const amount = BigInt(rng.int(1_500, 8_000)) * MILLION;
    const a: AllocationInput = {
      unitCode: code,
      program: "NTM",
      planYear: 2022,
      carriedOverFrom: 2021,
      source: "central",
      capitalType: "investment",
      amount,
      decisionRef: DECISION_CARRY_OVER.ref,
      decidedOn: DECISION_CARRY_OVER.on,
      note: `${DEMO_NOTE}; kế hoạch vốn năm 2021 kéo dài sang năm 2022`,
    };
    allocations.push(a);
    const end = carriedOverShort.includes(code) ? rng.between(0.86, 0.95) : 1;
    // Works already under way: a faster start, and nothing after the extension ends.
    scopes.push({
      scope: a,
      total: amount,
      pace: { sep: rng.between(0.62, 0.8) * end, dec: end, jan: end },
      start: FIRST_REPORT,
      until: LAST_TREASURY_DAY,
    });
  }

  // Disbursements: per unit a reporting cadence; per scope the cumulative target on each date.
  const cadence = new Map(withCapital.map((c) => [c, rng.pick([7, 14, 14])]));
  const disbursements: DisbursementInput[] = [];
  for (const s of scopes) {
    const dates = reportDates(cadence.get(s.scope.unitCode)!, s.until);
    let posted = 0n;
    let seq = 0;
    for (const date of dates) {
      const deadline = date === M60_DATE || date === LAST_TREASURY_DAY || date === s.until;
      // Not every report carries a payment for every scope, but the deadlines always settle up.
      if (!deadline && rng.next() < 0.3) continue;
      const share = shareOn(date, s.start, s.pace);
      const target =
        share >= 1 ? s.total : ((s.total * BigInt(Math.floor(share * PPM))) / BigInt(PPM) / 1000n) * 1000n;
      const amount = target - posted;
      if (amount <= 0n) continue;
      posted += amount;
      seq += 1;
      const { decisionRef: _r, decidedOn: _d, note: _n, ...scope } = s.scope;
      disbursements.push({
        ...scope,
        amount,
        disbursedOn: date,
        reference: `KBNN-${s.scope.unitCode}-${s.scope.program}-${date.replaceAll("-", "")}-${seq}`,
        note: DEMO_NOTE,
      });
    }
  }
  disbursements.sort((a, b) =>
    a.disbursedOn < b.disbursedOn
      ? -1
      : a.disbursedOn > b.disbursedOn
        ? 1
        : a.unitCode < b.unitCode
          ? -1
          : a.unitCode > b.unitCode
            ? 1
            : 0,
  );

  // Decision order (a stable sort keeps the unit order within one decision date).
  allocations.sort((a, b) => (a.decidedOn < b.decidedOn ? -1 : a.decidedOn > b.decidedOn ? 1 : 0));

  return {
    seed,
    units,
    allocations,
    disbursements,
    intended: { below60AtSep30, below90AtDec31, carriedOver, carriedOverShort, withoutCapital },
  };
}

/** Splits entries into batches of one calendar month each, at most `max` entries per batch. */
export function monthlyBatches<T>(entries: T[], dateOf: (e: T) => LocalDate, max: number): T[][] {
  const out: T[][] = [];
  let month = "";
  for (const e of entries) {
    const m = dateOf(e).slice(0, 7);
    const last = out.at(-1);
    if (!last || m !== month || last.length >= max) out.push([e]);
    else last.push(e);
    month = m;
  }
  return out;
}

export type LoadResult =
  | { status: "loaded"; units: number; allocations: number; disbursements: number; batches: number }
  | { status: "already_loaded"; units: number; allocations: number; disbursements: number }
  | { status: "conflict"; message: string };

/**
 * Posts the province through the services as DEMO_PRINCIPAL. When the demo units are already
 * there it changes nothing: "already_loaded" if the demo's entries are all there, "conflict"
 * otherwise (an interrupted load, or real units with the same codes).
 */
export async function loadDemoProvince(
  c: Pick<Container, "catalog" | "ledger" | "db">,
  province: DemoProvince,
  opts: { maxBatchSize: number },
): Promise<LoadResult> {
  const codes = new Set(province.units.map((u) => u.code));
  const present = (await c.catalog.listUnits()).filter((u) => codes.has(u.code));
  if (present.length > 0) {
    const postedBy = `${DEMO_PRINCIPAL.role}:${DEMO_PRINCIPAL.keyId}`;
    const allocations = await c.db.prisma.allocation.count({ where: { postedBy } });
    const disbursements = await c.db.prisma.disbursement.count({ where: { postedBy } });
    if (
      present.length === codes.size &&
      allocations === province.allocations.length &&
      disbursements === province.disbursements.length
    )
      return { status: "already_loaded", units: present.length, allocations, disbursements };
    return {
      status: "conflict",
      message:
        `${present.length} of the ${codes.size} demo units already exist, with ${allocations} of ` +
        `${province.allocations.length} demo allocations and ${disbursements} of ` +
        `${province.disbursements.length} demo disbursements; nothing was changed. ` +
        "Load the demo into an empty database.",
    };
  }

  for (const u of province.units) await c.catalog.createUnit(u, DEMO_PRINCIPAL);
  let batches = 0;
  for (const entries of monthlyBatches(province.allocations, (a) => a.decidedOn, opts.maxBatchSize)) {
    await c.ledger.postAllocations(entries, DEMO_PRINCIPAL);
    batches += 1;
  }
  for (const entries of monthlyBatches(province.disbursements, (d) => d.disbursedOn, opts.maxBatchSize)) {
    await c.ledger.postDisbursements(entries, DEMO_PRINCIPAL);
    batches += 1;
  }
  return {
    status: "loaded",
    units: province.units.length,
    allocations: province.allocations.length,
    disbursements: province.disbursements.length,
    batches,
  };
}
