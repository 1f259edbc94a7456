// Sample duty items and Treasury differences for template tests and previews (issue 15).
// Illustrative data (dữ liệu minh họa): the 2022 plan's 6-monthly report, due Monday 20/06/2022.
import type {
  AdminMessage,
  AlertSnapshot,
  DigestMessage,
  EscalationMessage,
  TreasuryDifferenceSnapshot,
  UnitAlertMessage,
} from "../alert.types.js";
import { digestFixture, PROGRAMS, UNITS } from "./fixtures.js";

/** A duty's snapshot as the policy makes it: the document, no money. */
const BC_6_THANG = {
  planYear: 2022,
  milestoneId: "BC_6_THANG",
  milestoneTitle: "Báo cáo kết quả thực hiện các Chương trình MTQG 6 tháng đầu năm 2022",
  milestoneKind: "duty",
  document: "Báo cáo kết quả thực hiện 6 tháng",
  guidance: null,
  dueOn: "2022-06-20",
  program: "*",
  programName: "Văn bản phải nộp",
  allocated: 0n,
  disbursed: 0n,
  rate: null,
  threshold: 0,
  comparison: "gte",
  shortfall: 0n,
  requiredDailyPace: null,
  projectedRate: null,
} as const satisfies Partial<AlertSnapshot>;

const VB_HUONG_DAN = {
  ...BC_6_THANG,
  milestoneId: "VB_HUONG_DAN",
  milestoneTitle: "Ban hành văn bản hướng dẫn thực hiện các Chương trình MTQG (chậm nhất trong tháng 6/2022)",
  document: "Văn bản hướng dẫn triển khai Chương trình",
  dueOn: "2022-06-30",
} as const satisfies Partial<AlertSnapshot>;

/** Wednesday 15/06/2022, 3 working days before the report is due: the 7-day reminder. */
export const dutyUnitAlertFixture: UnitAlertMessage = {
  kind: "unit",
  asOf: "2022-06-15",
  recipient: { name: "Nguyễn Văn An", email: "an.nv@taygiang.example.vn" },
  ack: {
    url: "https://giamsat.example.vn/ack/AQBK2AGgHeeC0VT4kYS3YJt7jd3Ky2QlBG5wAq0J9ZpEq0uWUq6F7cV0t6Q1r0lE3nQ",
    expiresOn: "2022-07-15",
  },
  items: [
    {
      stage: "reminder_7",
      snapshot: {
        ...BC_6_THANG,
        ...UNITS.TAY_GIANG,
        asOf: "2022-06-15",
        status: "at_risk",
        daysLeft: 5,
        workingDaysLeft: 3,
        acknowledgement: null,
      },
    },
  ],
};

/** Tuesday 21/06/2022, the working day after: two units have not sent the report. */
export const dutyEscalationFixture: EscalationMessage = {
  kind: "escalation",
  asOf: "2022-06-21",
  recipient: { email: "bcd.mtqg@skhdt.example.vn" },
  items: [UNITS.TAY_GIANG, UNITS.NAM_TRA_MY].map((unit) => ({
    stage: "escalation" as const,
    snapshot: {
      ...BC_6_THANG,
      ...unit,
      asOf: "2022-06-21",
      status: "missed" as const,
      daysLeft: 0,
      workingDaysLeft: 0,
      acknowledgement: null,
    },
  })),
};

const difference = (
  unit: { unitCode: string; unitName: string },
  program: { program: string; programName: string },
  treasury: bigint,
  reported: bigint,
  over: Partial<TreasuryDifferenceSnapshot> = {},
): TreasuryDifferenceSnapshot => ({
  ...unit,
  ...program,
  planYear: 2022,
  carriedOverFrom: null,
  source: "provincial",
  capitalType: "recurrent",
  treasury,
  reported,
  difference: treasury - reported,
  statementAsOf: "2022-11-30",
  documentRef: "KBNN Quảng Nam 1234/KBQN-KSC",
  ageDays: 12,
  ...over,
});

/** The week of 05/12/2022 again, with the reports not sent and the Treasury's old differences (3 of 5 shown). */
export const dutyDigestFixture: DigestMessage = {
  ...digestFixture,
  items: [
    ...digestFixture.items,
    {
      stage: "digest",
      snapshot: {
        ...BC_6_THANG,
        ...UNITS.NAM_TRA_MY,
        milestoneId: "BC_NAM",
        milestoneTitle: "Báo cáo kết quả thực hiện các Chương trình MTQG năm 2022",
        document: "Báo cáo kết quả thực hiện năm 2022",
        dueOn: "2022-12-20",
        asOf: "2022-12-05",
        status: "at_risk",
        daysLeft: 15,
        workingDaysLeft: 11,
        acknowledgement: null,
      },
    },
    {
      stage: "digest",
      snapshot: {
        ...VB_HUONG_DAN,
        unitCode: "SO_NNPTNT",
        unitName: "Sở Nông nghiệp và Phát triển nông thôn",
        asOf: "2022-12-05",
        status: "missed",
        daysLeft: 0,
        workingDaysLeft: 0,
        acknowledgement: {
          on: "2022-07-04",
          plannedAction: "Trình ban hành trong tháng 12.",
          plannedOn: null,
        },
      },
    },
  ],
  treasury: {
    total: 5,
    items: [
      difference(UNITS.TAM_KY, PROGRAMS.NTM, 1_250_000_000n, 1_200_000_000n, {
        source: "central",
        capitalType: "investment",
      }),
      difference(UNITS.PHUOC_SON, PROGRAMS.GNBV, 300_000_000n, 300_500_000n, {
        carriedOverFrom: 2021,
        ageDays: 20,
      }),
      difference(UNITS.DONG_GIANG, PROGRAMS.DTTS, 20_000_000n, 20_000_001n),
    ],
  },
};

/** 21/06/2022 was not a digest day; this one is: the escalation of the report with a digest of the Treasury alone. */
export const dutyAdminFixture: AdminMessage = {
  kind: "admin",
  asOf: "2022-06-27",
  recipient: { email: "bcd.mtqg@skhdt.example.vn" },
  escalation: dutyEscalationFixture.items.map((i) => ({
    ...i,
    snapshot: { ...i.snapshot, asOf: "2022-06-27" },
  })),
  digest: {
    weekOf: "2022-06-27",
    items: [],
    treasury: { total: 1, items: [difference(UNITS.TAM_KY, PROGRAMS.NTM, 20_000_001n, 20_000_000n)] },
  },
};
