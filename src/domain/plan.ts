import { z } from "zod";
import { formatDeadline } from "./deadline.js";
import { type Duty, dutySchema } from "./duties.js";
import type { LocalDate } from "./local-date.js";
import {
  type LegalBasis,
  legalBasisSchema,
  localDateSchema,
  PLAN_ITEM_ID_PATTERN,
  planText,
  UNIT_KINDS,
  type UnitKind,
  uniqueItems,
} from "./plan-fields.js";
import { VERDICT_FIGURES, type VerdictFigures } from "./treasury-reading.js";

export { type LegalBasis, legalBasisSchema, UNIT_KINDS, type UnitKind } from "./plan-fields.js";

/**
 * A plan is data, not code: the 2021–2025 programmes repeat the same milestone pattern every
 * year with other dates and thresholds, so a new year is a new Plan value.
 */

export type Comparison = "gt" | "gte";
export const FUNDING_SOURCES = ["central", "provincial", "district", "other"] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];
export const CAPITAL_TYPES = ["investment", "recurrent"] as const;
export type CapitalType = (typeof CAPITAL_TYPES)[number];

/**
 * Whom a milestone concerns, as the plan words it: which kinds of unit, and which sources of
 * capital. Absent: every unit, every source. The 2022 refund concerns localities (districts)
 * and only the capital a higher level gave them ("các địa phương ... hoàn trả ngân sách cấp trên").
 */
export interface AppliesTo {
  unitKinds?: UnitKind[];
  sources?: FundingSource[];
}

/** own: entries of the plan year with carriedOverFrom null; carriedOver: carriedOverFrom = fromYear. */
export type CapitalScope = { kind: "own" } | { kind: "carriedOver"; fromYear: number };

/**
 * A threshold on a ratio of whole đồng. "rate": disbursed ÷ allocated in the scope. "refund":
 * refunded ÷ the amount due back (allocated − disbursed − approved carry-forward, at the due
 * date), which must reach 100%: the same arithmetic over other figures.
 */
export interface RateMilestone {
  id: string;
  kind: "rate" | "refund";
  title: string;
  scope: CapitalScope;
  program?: string;
  source?: FundingSource;
  capitalType?: CapitalType;
  /** Decimal string, at most 2 decimals ("60", "62.5"), so the threshold is exact in basis points. */
  thresholdPercent: string;
  comparison: Comparison;
  dueOn: LocalDate;
  legalBasis: LegalBasis;
  /** Vietnamese advice for units that have not met it, quoted in alerts. */
  guidance?: string;
  /** Pairs of other unit kinds are not_applicable; sources narrow the scope like `source`. */
  appliesTo?: AppliesTo;
  /** The plan's own words for the deadline (see deadline.ts); dueOn stays the last day to act. */
  deadlineText?: string;
  /** Close the milestone automatically this many days after its due date (off when absent). */
  autoCloseAfterDays?: number;
  /** See NonWorkingDueDate; absent means "keep". */
  nonWorkingDueDate?: NonWorkingDueDate;
}

/**
 * A written request to hand capital to other units (đề xuất điều chuyển), due from every
 * (unit, program) that missed `requiredAfterMissing`; those `advisoryWhenAtRisk` are warned
 * that they may need one.
 */
export interface RequestMilestone {
  id: string;
  kind: "request";
  title: string;
  requiredAfterMissing: string;
  advisoryWhenAtRisk?: string;
  dueOn: LocalDate;
  legalBasis: LegalBasis;
  guidance?: string;
  deadlineText?: string;
  autoCloseAfterDays?: number;
  nonWorkingDueDate?: NonWorkingDueDate;
}

export type Milestone = RateMilestone | RequestMilestone;

/**
 * A due date on a non-working day: "keep" judges on it (budget deadlines, which the Treasury
 * keeps whatever the weekday); "next_working_day" judges on the first working day after it.
 */
export const NON_WORKING_DUE_DATE = ["keep", "next_working_day"] as const;
export type NonWorkingDueDate = (typeof NON_WORKING_DUE_DATE)[number];

/**
 * Whether a rate-like milestone's figures count a scope's movements: its own or carried-over
 * capital, program, source and capital type (a source or capital type the caller leaves out is
 * not tested). The SQL reads say the same in rules.repository.ts `scopeFilter`; the
 * ledger-figures test holds the two to one answer.
 */
export function scopeCovers(
  m: RateMilestone,
  s: {
    carriedOverFrom: number | null;
    program: string;
    source?: FundingSource | undefined;
    capitalType?: CapitalType | undefined;
  },
): boolean {
  if (m.scope.kind === "own" ? s.carriedOverFrom !== null : s.carriedOverFrom !== m.scope.fromYear)
    return false;
  if (m.program !== undefined && m.program !== s.program) return false;
  if (s.source !== undefined) {
    if (m.source !== undefined && m.source !== s.source) return false;
    const sources = m.appliesTo?.sources;
    if (sources && !sources.includes(s.source)) return false;
  }
  if (s.capitalType !== undefined && m.capitalType !== undefined && m.capitalType !== s.capitalType)
    return false;
  return true;
}

export const isRateLike = (m: Milestone): m is RateMilestone => m.kind !== "request";

export interface Plan {
  year: number;
  title: string;
  milestones: Milestone[];
  projectionWindowDays: number;
  /** Documents units owe besides the money (reports, guidance); see duties.ts. Absent: none. */
  duties?: Duty[];
  /**
   * Which figures verdicts rest on where a Treasury statement exists (treasury-reading.ts).
   * Absent: DEFAULT_VERDICT_FIGURES.
   */
  verdictFigures?: VerdictFigures;
}

const THRESHOLD_PATTERN = /^(0|[1-9]\d{0,2})(\.\d{1,2})?$/;
const MILESTONE_ID_PATTERN = PLAN_ITEM_ID_PATTERN;

/** "60" → 6000n, "62.5" → 6250n: hundredths of a percent, so comparisons stay integral. */
export function thresholdBasisPoints(m: Pick<RateMilestone, "thresholdPercent">): bigint {
  const match = THRESHOLD_PATTERN.exec(m.thresholdPercent);
  if (!match) throw new RangeError(`Malformed thresholdPercent: ${JSON.stringify(m.thresholdPercent)}`);
  const whole = BigInt(match[1] ?? "0");
  const fraction = BigInt((match[2] ?? ".").slice(1).padEnd(2, "0"));
  return whole * 100n + fraction;
}

const appliesToSchema = z
  .strictObject({
    unitKinds: z
      .array(z.enum(UNIT_KINDS))
      .min(1)
      .refine(uniqueItems, { message: "Each unit kind at most once" })
      .optional(),
    sources: z
      .array(z.enum(FUNDING_SOURCES))
      .min(1)
      .refine(uniqueItems, { message: "Each source at most once" })
      .optional(),
  })
  .refine((a) => a.unitKinds !== undefined || a.sources !== undefined, {
    message: "Give unitKinds or sources, or leave appliesTo out (the milestone then concerns everyone)",
  });

/** Words, not a date: a deadline is always judged on dueOn. */
const deadlineTextSchema = planText(200);
const autoCloseAfterDaysSchema = z.number().int().min(1).max(3650);
// Optional, not defaulted: a default would write the field into every plan put again, and an
// amendment would then see a change where there is none (plan-amendment.ts reads absent as "keep").
const nonWorkingDueDateSchema = z
  .enum(NON_WORKING_DUE_DATE)
  .describe('a due date on a non-working day: "keep" it (absent: keep), or judge on the next working day');

const capitalScopeSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("own") }),
  z.strictObject({ kind: z.literal("carriedOver"), fromYear: z.number().int() }),
]);

export const rateMilestoneSchema = z
  .strictObject({
    id: z
      .string()
      .regex(MILESTONE_ID_PATTERN, { message: "Milestone id must match /^[A-Z][A-Z0-9_]{1,15}$/" }),
    kind: z.enum(["rate", "refund"]),
    title: planText(),
    scope: capitalScopeSchema,
    program: planText().optional(),
    source: z.enum(FUNDING_SOURCES).optional(),
    capitalType: z.enum(CAPITAL_TYPES).optional(),
    thresholdPercent: z
      .string()
      .regex(THRESHOLD_PATTERN, { message: "Expected a percentage with at most 2 decimals" }),
    comparison: z.enum(["gt", "gte"]),
    dueOn: localDateSchema,
    legalBasis: legalBasisSchema,
    guidance: planText(2000).optional(),
    appliesTo: appliesToSchema.optional(),
    deadlineText: deadlineTextSchema.optional(),
    autoCloseAfterDays: autoCloseAfterDaysSchema.optional(),
    nonWorkingDueDate: nonWorkingDueDateSchema.optional(),
  })
  .superRefine((m, ctx) => {
    if (m.source !== undefined && m.appliesTo?.sources !== undefined) {
      // One way to say which capital a milestone counts, so two filters can never disagree.
      ctx.addIssue({
        code: "custom",
        path: ["appliesTo", "sources"],
        message: "Give either source or appliesTo.sources, not both",
      });
    }
    if (!THRESHOLD_PATTERN.test(m.thresholdPercent)) return;
    const bp = thresholdBasisPoints(m);
    if (bp <= 0n || bp > 10_000n) {
      ctx.addIssue({ code: "custom", path: ["thresholdPercent"], message: "Threshold must be in (0, 100]" });
    } else if (m.kind === "refund" && (bp !== 10_000n || m.comparison !== "gte")) {
      ctx.addIssue({
        code: "custom",
        path: ["thresholdPercent"],
        message: "A refund milestone is met at 100% ('gte' \"100\")",
      });
    } else if (bp === 10_000n && m.comparison === "gt") {
      // Disbursement cannot exceed the allocation, so "above 100%" could never be met.
      ctx.addIssue({ code: "custom", path: ["comparison"], message: "'gt' 100% is unreachable; use 'gte'" });
    }
  });

export const requestMilestoneSchema = z.strictObject({
  id: z.string().regex(MILESTONE_ID_PATTERN, { message: "Milestone id must match /^[A-Z][A-Z0-9_]{1,15}$/" }),
  kind: z.literal("request"),
  title: planText(),
  requiredAfterMissing: z.string().min(1),
  advisoryWhenAtRisk: z.string().min(1).optional(),
  dueOn: localDateSchema,
  legalBasis: legalBasisSchema,
  guidance: planText(2000).optional(),
  deadlineText: deadlineTextSchema.optional(),
  autoCloseAfterDays: autoCloseAfterDaysSchema.optional(),
  nonWorkingDueDate: nonWorkingDueDateSchema.optional(),
});

export const milestoneSchema = z.discriminatedUnion("kind", [rateMilestoneSchema, requestMilestoneSchema]);

export const planSchema = z
  .object({
    year: z.number().int().min(2000).max(2100),
    title: z.string().trim().min(1),
    milestones: z.array(milestoneSchema).min(1).max(50),
    projectionWindowDays: z.number().int().min(1).max(366).default(30),
    // Optional, not defaulted: a plan stored without duties must read back, and compare, unchanged.
    duties: z.array(dutySchema).max(50).optional(),
    // Optional for the same reason: absent reads as DEFAULT_VERDICT_FIGURES.
    verdictFigures: z.enum(VERDICT_FIGURES).optional(),
  })
  .superRefine((plan, ctx) => {
    const seen = new Set<string>();
    // Milestones and duties share one id space: a status row, an alert or an export names either.
    plan.duties?.forEach((d, i) => {
      if (seen.has(d.id) || plan.milestones.some((m) => m.id === d.id))
        ctx.addIssue({
          code: "custom",
          path: ["duties", i, "id"],
          message: `Duplicate id ${d.id}: duty ids are unique and differ from milestone ids`,
        });
      seen.add(d.id);
    });
    seen.clear();
    plan.milestones.forEach((m, i) => {
      if (seen.has(m.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["milestones", i, "id"],
          message: `Duplicate milestone id ${m.id}`,
        });
      }
      seen.add(m.id);
      if (m.kind === "request") {
        for (const field of ["requiredAfterMissing", "advisoryWhenAtRisk"] as const) {
          const ref = m[field];
          if (ref !== undefined && !plan.milestones.some((o) => o.id === ref && o.kind === "rate"))
            ctx.addIssue({
              code: "custom",
              path: ["milestones", i, field],
              message: `${field} must name a rate milestone of this plan`,
            });
        }
        return;
      }
      if (m.scope.kind === "carriedOver" && m.scope.fromYear >= plan.year) {
        ctx.addIssue({
          code: "custom",
          path: ["milestones", i, "scope", "fromYear"],
          message: "Carried-over capital must come from a year before the plan year",
        });
      }
    });
  });

export function parsePlan(input: unknown): Plan {
  return planSchema.parse(input);
}

const PLAN_2022_BASIS: LegalBasis = {
  document:
    "Kế hoạch công tác năm 2022 của Ban Chỉ đạo các Chương trình MTQG tỉnh Quảng Nam (số …/KH-BCĐ), mục III.5",
  issuedOn: null,
};

/**
 * Seed III.5: "văn bản rà soát, đề nghị điều chuyển gửi trước 10/11/2022". "Before" is strict, as
 * "trên 60%" is: the last day on which a request is on time is 9/11, and one sent on 10/11 is late.
 */
const REQ_2022_DEADLINE = { dueOn: "2022-11-09", deadlineText: "gửi trước ngày 10/11/2022" } as const;
/** "Đến hết ngày 31/01/2023 (hết thời gian chỉnh lý ngân sách năm 2022)". */
const REF_2022_DEADLINE = { dueOn: "2023-01-31" } as const;

/**
 * The work plan gives the reports no day ("Định kỳ 6 tháng, hằng năm báo cáo", V.1–V.3): the
 * reporting periods of the state's reporting regime close on 14/6 and 14/12, and we ask for the
 * report four working days later. Admins move a date by amending the plan, with the act.
 */
const REPORTS_2022_BASIS: LegalBasis = {
  ...PLAN_2022_BASIS,
  document: PLAN_2022_BASIS.document.replace("mục III.5", "mục V.1, V.2, V.3"),
};
const TO_THE_COMMITTEE =
  "gửi Ban Chỉ đạo tỉnh qua Sở Kế hoạch và Đầu tư và các cơ quan chủ trì thực hiện các Chương trình MTQG";

const DUTIES_2022: Duty[] = [
  {
    id: "BC_6_THANG",
    title: "Báo cáo kết quả thực hiện các Chương trình MTQG 6 tháng đầu năm 2022",
    document: `Báo cáo kết quả thực hiện 6 tháng đầu năm 2022, ${TO_THE_COMMITTEE}`,
    from: { all: true },
    dueOn: "2022-06-20",
    legalBasis: REPORTS_2022_BASIS,
    dateChosen:
      "Kế hoạch chỉ ghi “định kỳ 6 tháng” mà không ghi ngày. Kỳ báo cáo 6 tháng chốt số liệu đến ngày 14/6 (chế độ báo cáo của cơ quan hành chính nhà nước, Nghị định 09/2019/NĐ-CP); chọn thứ Hai 20/6/2022, ngày làm việc thứ tư sau ngày chốt, để Sở Kế hoạch và Đầu tư kịp tổng hợp báo cáo Ban Chỉ đạo tỉnh trong tháng 6.",
  },
  {
    id: "BC_NAM",
    title: "Báo cáo kết quả thực hiện các Chương trình MTQG năm 2022",
    document: `Báo cáo kết quả thực hiện năm 2022, ${TO_THE_COMMITTEE}`,
    from: { all: true },
    dueOn: "2022-12-20",
    legalBasis: REPORTS_2022_BASIS,
    dateChosen:
      "Kế hoạch chỉ ghi “hằng năm” mà không ghi ngày. Kỳ báo cáo năm chốt số liệu đến ngày 14/12 (Nghị định 09/2019/NĐ-CP); chọn thứ Ba 20/12/2022, ngày làm việc thứ tư sau ngày chốt, như báo cáo 6 tháng, để kịp tổng kết năm trước ngày 31/12.",
  },
  {
    id: "VB_HUONG_DAN",
    title: "Ban hành văn bản hướng dẫn thực hiện các Chương trình MTQG (chậm nhất trong tháng 6/2022)",
    document:
      "Văn bản hướng dẫn triển khai Chương trình do cơ quan chủ trì tham mưu ban hành: đề án thực hiện; nguyên tắc, tiêu chí, định mức phân bổ vốn; cơ chế phân cấp, quản lý, nội dung, tỷ lệ hỗ trợ",
    // The programme offices are not units of the catalog: each sits under the department that
    // leads its programme (NTM: Sở NN&PTNT, GNBV: Sở LĐ-TB&XH, DTTS: Ban Dân tộc), which answers.
    from: { units: ["SO_NNPTNT", "SO_LDTBXH", "BAN_DAN_TOC"] },
    dueOn: "2022-06-30",
    legalBasis: {
      ...PLAN_2022_BASIS,
      document: PLAN_2022_BASIS.document.replace("mục III.5", "mục III.1"),
      note: "Văn phòng Điều phối các Chương trình không là đơn vị trong danh mục; yêu cầu gửi cơ quan chủ trì mỗi Chương trình (mã đơn vị theo danh mục mẫu; sửa theo danh mục thực tế bằng sửa đổi kế hoạch).",
    },
    dateChosen: "“Chậm nhất trong tháng 6/2022”: ngày cuối cùng là 30/6/2022.",
  },
];

/** Section III.5 of the 2022 work plan; the default plan, not the only one. */
export const DEFAULT_PLAN_2022: Plan = {
  year: 2022,
  title: "Kế hoạch giải ngân vốn các Chương trình mục tiêu quốc gia năm 2022 tỉnh Quảng Nam",
  projectionWindowDays: 30,
  duties: DUTIES_2022,
  milestones: [
    {
      id: "M60",
      kind: "rate",
      title: "Giải ngân trên 60% kế hoạch vốn năm 2022",
      scope: { kind: "own" },
      thresholdPercent: "60",
      comparison: "gt",
      dueOn: "2022-09-30",
      legalBasis: PLAN_2022_BASIS,
      guidance: `Nếu xét thấy không kịp giải ngân theo tỷ lệ yêu cầu, đơn vị có văn bản đề xuất UBND tỉnh điều chuyển vốn cho đơn vị, địa phương khác (${formatDeadline(REQ_2022_DEADLINE)}).`,
    },
    {
      id: "M90",
      kind: "rate",
      title: "Giải ngân trên 90% kế hoạch vốn năm 2022",
      scope: { kind: "own" },
      thresholdPercent: "90",
      comparison: "gt",
      dueOn: "2022-12-31",
      legalBasis: PLAN_2022_BASIS,
      guidance: `Các địa phương không giải ngân hết kế hoạch vốn ngân sách cấp trên (trung ương, tỉnh) ${formatDeadline(REF_2022_DEADLINE)} (hết thời gian chỉnh lý ngân sách) phải hoàn trả ngân sách cấp trên, trừ nhiệm vụ chi được chuyển nguồn theo quy định.`,
    },
    {
      id: "C100",
      kind: "rate",
      title: "Giải ngân 100% kế hoạch vốn năm 2021 được kéo dài thời hạn giải ngân sang năm 2022",
      scope: { kind: "carriedOver", fromYear: 2021 },
      thresholdPercent: "100",
      comparison: "gte",
      dueOn: "2022-12-31",
      legalBasis: {
        ...PLAN_2022_BASIS,
        // The plan gives no date for this one; we read the extension as running to year end.
        note: "Thời hạn 31/12/2022 là cách hiểu: thời hạn kéo dài giải ngân đến hết năm 2022.",
      },
    },
    {
      id: "REQ",
      kind: "request",
      title: "Gửi văn bản đề xuất điều chuyển vốn năm 2022 (đơn vị không đạt mốc 30/9)",
      requiredAfterMissing: "M60",
      advisoryWhenAtRisk: "M90",
      ...REQ_2022_DEADLINE,
      legalBasis: {
        ...PLAN_2022_BASIS,
        note: "“Gửi trước 10/11/2022” được hiểu theo nghĩa chặt, như “trên 60%”: văn bản gửi ngày 10/11/2022 là không đúng hạn.",
      },
      guidance: `Gửi văn bản rà soát, đề nghị UBND tỉnh điều chuyển kế hoạch vốn năm 2022 cho đơn vị, địa phương khác (qua Sở Kế hoạch và Đầu tư), ${formatDeadline(REQ_2022_DEADLINE)}.`,
    },
    {
      id: "REF",
      kind: "refund",
      title: "Hoàn trả ngân sách cấp trên phần vốn năm 2022 không giải ngân hết",
      scope: { kind: "own" },
      thresholdPercent: "100",
      comparison: "gte",
      ...REF_2022_DEADLINE,
      // "các địa phương không giải ngân hết kế hoạch vốn ... thực hiện hoàn trả ngân sách cấp trên":
      // localities give back what a higher level gave them; a department's undisbursed capital
      // lapses, and a district's own counterpart funds were never the higher level's.
      appliesTo: { unitKinds: ["district"], sources: ["central", "provincial"] },
      legalBasis: PLAN_2022_BASIS,
      guidance: `Phần vốn ngân sách cấp trên (trung ương, tỉnh) không giải ngân hết ${formatDeadline(REF_2022_DEADLINE)} (hết thời gian chỉnh lý ngân sách năm 2022) phải hoàn trả ngân sách cấp trên, trừ nhiệm vụ chi được chuyển nguồn sang năm 2023 theo quy định.`,
    },
  ],
};
