// Sample messages for template tests and previews. Illustrative data (dữ liệu minh họa): the
// figures are what evaluateMilestone gives for the 2022 plan on the stated dates.
import { DEFAULT_PLAN_2022 } from "../../domain/plan.js";
import type {
  AdminMessage,
  AlertSnapshot,
  DigestMessage,
  EscalationMessage,
  UnitAlertMessage,
} from "../alert.types.js";

/** The plan's own guidance, so previews quote what units are really told. */
const guidanceOf = (id: string) => DEFAULT_PLAN_2022.milestones.find((m) => m.id === id)?.guidance ?? null;

const M60 = {
  planYear: 2022,
  milestoneId: "M60",
  milestoneTitle: "Giải ngân trên 60% kế hoạch vốn năm 2022",
  guidance: guidanceOf("M60"),
  dueOn: "2022-09-30",
  threshold: 60,
  comparison: "gt",
} as const satisfies Partial<AlertSnapshot>;

const M90 = {
  planYear: 2022,
  milestoneId: "M90",
  milestoneTitle: "Giải ngân trên 90% kế hoạch vốn năm 2022",
  guidance: guidanceOf("M90"),
  dueOn: "2022-12-31",
  threshold: 90,
  comparison: "gt",
} as const satisfies Partial<AlertSnapshot>;

const C100 = {
  planYear: 2022,
  milestoneId: "C100",
  milestoneTitle: "Giải ngân 100% kế hoạch vốn năm 2021 được kéo dài thời hạn giải ngân sang năm 2022",
  guidance: null,
  dueOn: "2022-12-31",
  threshold: 100,
  comparison: "gte",
} as const satisfies Partial<AlertSnapshot>;

export const PROGRAMS = {
  NTM: { program: "NTM", programName: "Chương trình MTQG xây dựng nông thôn mới" },
  GNBV: { program: "GNBV", programName: "Chương trình MTQG giảm nghèo bền vững" },
  DTTS: {
    program: "DTTS",
    programName: "Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi",
  },
} as const;

export const UNITS = {
  TAY_GIANG: { unitCode: "TAY_GIANG", unitName: "UBND huyện Tây Giang" },
  NAM_GIANG: { unitCode: "NAM_GIANG", unitName: "UBND huyện Nam Giang" },
  NAM_TRA_MY: { unitCode: "NAM_TRA_MY", unitName: "UBND huyện Nam Trà My" },
  PHUOC_SON: { unitCode: "PHUOC_SON", unitName: "UBND huyện Phước Sơn" },
  DONG_GIANG: { unitCode: "DONG_GIANG", unitName: "UBND huyện Đông Giang" },
  TAM_KY: { unitCode: "TAM_KY", unitName: "UBND thành phố Tam Kỳ" },
} as const;

/** 16/09/2022, 14 days before M60: two units headed by one person, three items. */
export const unitAlertFixture: UnitAlertMessage = {
  kind: "unit",
  asOf: "2022-09-16",
  recipient: { name: "Nguyễn Văn An", email: "an.nv@taygiang.example.vn" },
  ack: {
    url: "https://giamsat.example.vn/ack/AQBK2AGgHeeC0VT4kYS3YJt7jd3Ky2QlBG5wAq0J9ZpEq0uWUq6F7cV0t6Q1r0lE3nQ",
    expiresOn: "2022-10-16",
  },
  items: [
    {
      stage: "reminder_14",
      snapshot: {
        ...M60,
        ...UNITS.NAM_GIANG,
        ...PROGRAMS.NTM,
        asOf: "2022-09-16",
        status: "on_track",
        allocated: 5_600_000_000n,
        disbursed: 3_010_000_000n,
        rate: 53.75,
        shortfall: 350_000_001n,
        daysLeft: 14,
        requiredDailyPace: 25_000_001n,
        projectedRate: 65.83,
      },
    },
    {
      stage: "at_risk",
      snapshot: {
        ...M60,
        ...UNITS.TAY_GIANG,
        ...PROGRAMS.GNBV,
        asOf: "2022-09-16",
        status: "at_risk",
        allocated: 1_234_567_890n,
        disbursed: 456_789_000n,
        rate: 36.99,
        shortfall: 283_951_735n,
        daysLeft: 14,
        workingDaysLeft: 10,
        requiredDailyPace: 20_282_267n,
        projectedRate: 41.54,
      },
    },
    {
      stage: "reminder_14",
      snapshot: {
        ...M60,
        ...UNITS.TAY_GIANG,
        ...PROGRAMS.DTTS,
        asOf: "2022-09-16",
        status: "at_risk",
        allocated: 8_750_000_000n,
        disbursed: 4_100_000_000n,
        rate: 46.85,
        shortfall: 1_150_000_001n,
        daysLeft: 14,
        workingDaysLeft: 10,
        requiredDailyPace: 82_142_858n,
        projectedRate: 51.66,
      },
    },
  ],
};

const missedNamTraMyNtm: AlertSnapshot = {
  ...M60,
  ...UNITS.NAM_TRA_MY,
  ...PROGRAMS.NTM,
  asOf: "2022-10-01",
  status: "missed",
  allocated: 9_800_000_000n,
  disbursed: 5_017_600_000n,
  rate: 51.2,
  shortfall: 862_400_001n,
  daysLeft: 0,
  requiredDailyPace: null,
  projectedRate: null,
};

const missedPhuocSonGnbv: AlertSnapshot = {
  ...M60,
  ...UNITS.PHUOC_SON,
  ...PROGRAMS.GNBV,
  asOf: "2022-10-01",
  status: "missed",
  allocated: 3_200_000_000n,
  disbursed: 1_150_000_000n,
  rate: 35.93,
  shortfall: 770_000_001n,
  daysLeft: 0,
  requiredDailyPace: null,
  projectedRate: null,
};

const missedNamTraMyDtts: AlertSnapshot = {
  ...M60,
  ...UNITS.NAM_TRA_MY,
  ...PROGRAMS.DTTS,
  asOf: "2022-10-01",
  status: "missed",
  allocated: 6_100_000_000n,
  disbursed: 3_300_000_000n,
  rate: 54.09,
  shortfall: 360_000_001n,
  daysLeft: 0,
  requiredDailyPace: null,
  projectedRate: null,
};

/** 01/10/2022, the day after M60: two units missed it, one of them in two programs. */
export const escalationFixture: EscalationMessage = {
  kind: "escalation",
  asOf: "2022-10-01",
  recipient: { email: "bcd.mtqg@skhdt.example.vn" },
  items: [
    { stage: "escalation", snapshot: missedNamTraMyDtts },
    { stage: "escalation", snapshot: missedPhuocSonGnbv },
    { stage: "escalation", snapshot: missedNamTraMyNtm },
  ],
};

/** Phước Sơn's head answered the missed notice with a plan; Nam Trà My's did not. */
const acknowledged = {
  on: "2022-10-04",
  plannedAction:
    "Rà soát, điều chuyển vốn của dự án chậm sang dự án đã có khối lượng; giải ngân dứt điểm trong tháng 10.",
  plannedOn: "2022-10-31",
} as const;

/**
 * Monday 10/10/2022: M60's missed notice of 01/10 still unacknowledged by Nam Trà My after the
 * policy's 3 working days, and the weekly digest, in one admin e-mail.
 */
export const adminFixture: AdminMessage = {
  kind: "admin",
  asOf: "2022-10-10",
  recipient: { email: "bcd.mtqg@skhdt.example.vn" },
  escalation: [
    {
      stage: "unacknowledged",
      snapshot: {
        ...missedNamTraMyNtm,
        asOf: "2022-10-10",
        acknowledgement: null,
        missedNoticeSentOn: "2022-10-01",
        unacknowledgedAfterWorkingDays: 3,
      },
    },
  ],
  digest: {
    weekOf: "2022-10-10",
    items: [
      { stage: "digest", snapshot: { ...missedNamTraMyNtm, asOf: "2022-10-10", acknowledgement: null } },
      {
        stage: "digest",
        snapshot: { ...missedPhuocSonGnbv, asOf: "2022-10-10", acknowledgement: acknowledged },
      },
      {
        stage: "digest",
        snapshot: {
          ...missedNamTraMyDtts,
          asOf: "2022-10-10",
          acknowledgement: { on: "2022-10-03", plannedAction: null, plannedOn: null },
        },
      },
    ],
  },
};

/** Week of Monday 05/12/2022: M60 misses still open, M90 and C100 at risk. */
export const digestFixture: DigestMessage = {
  kind: "digest",
  asOf: "2022-12-05",
  weekOf: "2022-12-05",
  recipient: { email: "bcd.mtqg@skhdt.example.vn" },
  items: [
    { stage: "digest", snapshot: { ...missedNamTraMyNtm, asOf: "2022-12-05" } },
    { stage: "digest", snapshot: { ...missedPhuocSonGnbv, asOf: "2022-12-05" } },
    {
      stage: "digest",
      snapshot: {
        ...M90,
        ...UNITS.TAM_KY,
        ...PROGRAMS.NTM,
        asOf: "2022-12-05",
        status: "at_risk",
        allocated: 15_000_000_000n,
        disbursed: 11_000_000_000n,
        rate: 73.33,
        shortfall: 2_500_000_001n,
        daysLeft: 26,
        requiredDailyPace: 96_153_847n,
        projectedRate: 82,
      },
    },
    {
      stage: "digest",
      snapshot: {
        ...M90,
        ...UNITS.PHUOC_SON,
        ...PROGRAMS.GNBV,
        asOf: "2022-12-05",
        status: "at_risk",
        allocated: 4_500_000_000n,
        disbursed: 2_400_000_000n,
        rate: 53.33,
        shortfall: 1_650_000_001n,
        daysLeft: 26,
        requiredDailyPace: 63_461_539n,
        projectedRate: 59.11,
      },
    },
    {
      stage: "digest",
      snapshot: {
        ...C100,
        ...UNITS.DONG_GIANG,
        ...PROGRAMS.DTTS,
        asOf: "2022-12-05",
        status: "at_risk",
        allocated: 2_000_000_000n,
        disbursed: 1_500_000_000n,
        rate: 75,
        shortfall: 500_000_000n,
        daysLeft: 26,
        requiredDailyPace: 19_230_770n,
        projectedRate: 79.33,
      },
    },
  ],
};
