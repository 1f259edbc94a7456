import { describe, expect, it } from "vitest";
import type { Duty, DutyUnit } from "../domain/duties.js";
import type { HeaderMap } from "../spreadsheets/import-header.js";
import {
  planSubmissions,
  type RecordedSubmission,
  type SubmissionImportContext,
  type SubmissionImportRow,
  submissionImportRow,
} from "./submission-import.js";

const KEYS = ["planYear", "duty", "unit", "documentNumber", "submittedOn", "note"];
const header: HeaderMap = {
  headerRow: 1,
  columns: new Map(KEYS.map((k, i) => [k, i])),
  headers: ["Năm kế hoạch", "Mã nghĩa vụ", "Mã đơn vị", "Số văn bản", "Ngày gửi", "Ghi chú"],
};

const duty = (id: string, from: Duty["from"]): Duty => ({
  id,
  title: id,
  document: id,
  from,
  dueOn: "2022-06-20",
  legalBasis: { document: "Kế hoạch 01/KH-UBND", issuedOn: "2022-01-10" },
});
const duties = new Map([
  [
    2022,
    [duty("BC_6_THANG", { all: true }), duty("VB_HUONG_DAN", { units: ["SO_NNPTNT"] })] as readonly Duty[],
  ],
]);
const units = new Map<string, DutyUnit>([
  ["TAM_KY", { code: "TAM_KY", kind: "district" }],
  ["HOI_AN", { code: "HOI_AN", kind: "district" }],
  ["SO_NNPTNT", { code: "SO_NNPTNT", kind: "department" }],
]);

const row = (n: number, o: Partial<SubmissionImportRow> = {}): SubmissionImportRow => ({
  row: n,
  planYear: 2022,
  duty: "BC_6_THANG",
  unit: "TAM_KY",
  documentNumber: "45/BC-UBND",
  submittedOn: "2022-06-17",
  note: null,
  ...o,
});
const recorded = (id: bigint, o: Partial<RecordedSubmission> = {}): RecordedSubmission => ({
  id,
  planYear: 2022,
  dutyId: "BC_6_THANG",
  unitCode: "TAM_KY",
  documentNumber: "45/BC-UBND",
  submittedOn: "2022-06-17",
  withdrawsId: null,
  ...o,
});

const context = (o: Partial<SubmissionImportContext> = {}): SubmissionImportContext => ({
  header,
  duties,
  units,
  recorded: [],
  today: "2022-06-20",
  writableUnits: null,
  ...o,
});

type Case = {
  name: string;
  rows: SubmissionImportRow[];
  ctx?: Partial<SubmissionImportContext>;
  statuses: string[];
  errors?: { row: number; column: string | null; field: string | null; rule: string }[];
};

const cases: Case[] = [
  { name: "a new submission is written", rows: [row(2)], statuses: ["write"] },
  {
    name: "two units' submissions are written",
    rows: [row(2), row(3, { unit: "HOI_AN" })],
    statuses: ["write", "write"],
  },
  {
    name: "a submission on record is unchanged (a re-import writes nothing)",
    rows: [row(2)],
    ctx: { recorded: [recorded(1n)] },
    statuses: ["unchanged"],
  },
  {
    name: "a withdrawn submission is written again",
    rows: [row(2)],
    ctx: { recorded: [recorded(1n), recorded(2n, { withdrawsId: 1n, submittedOn: "2022-06-18" })] },
    statuses: ["write"],
  },
  {
    name: "another document number, date or note-only change: number and date count, the note does not",
    rows: [
      row(2, { documentNumber: "46/BC-UBND" }),
      row(3, { submittedOn: "2022-06-16" }),
      row(4, { note: "x" }),
    ],
    ctx: { recorded: [recorded(1n)] },
    statuses: ["write", "write", "unchanged"],
  },
  {
    name: "a row repeated in the file is a duplicate_row error",
    rows: [row(2), row(3)],
    statuses: ["write", "error"],
    errors: [{ row: 3, column: "D", field: "documentNumber", rule: "duplicate_row" }],
  },
  {
    name: "a row repeated in the file is an error even when on record",
    rows: [row(2), row(3)],
    ctx: { recorded: [recorded(1n)] },
    statuses: ["unchanged", "error"],
    errors: [{ row: 3, column: "D", field: "documentNumber", rule: "duplicate_row" }],
  },
  {
    name: "a year without a plan",
    rows: [row(2, { planYear: 2031 })],
    statuses: ["error"],
    errors: [{ row: 2, column: "A", field: "planYear", rule: "unknown_plan" }],
  },
  {
    name: "a duty the plan does not hold",
    rows: [row(2, { duty: "NOPE" })],
    statuses: ["error"],
    errors: [{ row: 2, column: "B", field: "duty", rule: "unknown_duty" }],
  },
  {
    name: "a unit the catalog does not hold",
    rows: [row(2, { unit: "KHONG_CO" })],
    statuses: ["error"],
    errors: [{ row: 2, column: "C", field: "unit", rule: "unknown_unit" }],
  },
  {
    name: "a unit the duty does not ask",
    rows: [row(2, { duty: "VB_HUONG_DAN" }), row(3, { duty: "VB_HUONG_DAN", unit: "SO_NNPTNT" })],
    statuses: ["error", "write"],
    errors: [{ row: 2, column: "C", field: "unit", rule: "not_asked" }],
  },
  {
    name: "a date after today; today itself is fine",
    rows: [row(2, { submittedOn: "2022-06-21" }), row(3, { submittedOn: "2022-06-20" })],
    statuses: ["error", "write"],
    errors: [{ row: 2, column: "E", field: "submittedOn", rule: "not_in_future" }],
  },
  {
    name: "an officer records for their own units only, refused before the unit is looked up",
    rows: [row(2), row(3, { unit: "HOI_AN" }), row(4, { unit: "KHONG_CO" })],
    ctx: { writableUnits: new Set(["TAM_KY"]) },
    statuses: ["write", "error", "error"],
    errors: [
      { row: 3, column: "C", field: "unit", rule: "not_your_unit" },
      { row: 4, column: "C", field: "unit", rule: "not_your_unit" },
    ],
  },
];

describe("planSubmissions", () => {
  it.each(cases)("$name", ({ rows, ctx, statuses, errors = [] }) => {
    const planned = planSubmissions(rows, context(ctx));
    expect(planned.plans.map((p) => p.status)).toEqual(statuses);
    expect(planned.errors).toEqual(errors.map((e) => expect.objectContaining(e)));
  });

  it("carries the row's values into what it writes", () => {
    const [p] = planSubmissions([row(7, { note: "Gửi qua hệ thống" })], context()).plans;
    expect(p).toEqual({
      row: 7,
      status: "write",
      planYear: 2022,
      dutyId: "BC_6_THANG",
      unitCode: "TAM_KY",
      documentNumber: "45/BC-UBND",
      submittedOn: "2022-06-17",
      note: "Gửi qua hệ thống",
    });
  });
});

describe("submissionImportRow", () => {
  const parse = (o: Record<string, unknown>) =>
    submissionImportRow.safeParse({
      planYear: "2022",
      duty: "bc_6_thang",
      unit: "tam_ky",
      documentNumber: " 45/BC-UBND ",
      submittedOn: "17/06/2022",
      note: "",
      ...o,
    });
  const rules = (r: ReturnType<typeof parse>) =>
    r.success
      ? []
      : r.error.issues.map((i) => [i.path[0], (i as { params?: { rule?: string } }).params?.rule]);

  it("reads codes upper-cased, text trimmed, dd/mm/yyyy, ISO and Excel dates, a blank note as null", () => {
    expect(parse({})).toMatchObject({
      success: true,
      data: {
        planYear: 2022,
        duty: "BC_6_THANG",
        unit: "TAM_KY",
        documentNumber: "45/BC-UBND",
        submittedOn: "2022-06-17",
        note: null,
      },
    });
    expect(parse({ submittedOn: "2022-06-17" }).data?.submittedOn).toBe("2022-06-17");
    expect(parse({ submittedOn: new Date("2022-06-17T00:00:00Z") }).data?.submittedOn).toBe("2022-06-17");
    expect(parse({ submittedOn: 44_729 }).data?.submittedOn).toBe("2022-06-17");
  });

  it("holds the API's lengths: a document number of 100, a note of 1000", () => {
    expect(parse({ documentNumber: "x".repeat(100), note: "y".repeat(1000) }).success).toBe(true);
    expect(rules(parse({ documentNumber: "x".repeat(101) }))).toEqual([["documentNumber", "too_long"]]);
    expect(rules(parse({ note: "y".repeat(1001) }))).toEqual([["note", "too_long"]]);
    expect(rules(parse({ documentNumber: "" }))).toEqual([["documentNumber", "required"]]);
    expect(rules(parse({ documentNumber: "a\ud800b" }))).toEqual([["documentNumber", "well_formed"]]);
    expect(rules(parse({ submittedOn: "31/02/2022", duty: "BC 6" }))).toEqual([
      ["duty", "bad_code"],
      ["submittedOn", "real_date"],
    ]);
  });
});
