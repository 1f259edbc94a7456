// The columns of a State Treasury (Kho bạc Nhà nước) disbursement statement: one row per unit,
// program, plan year, source and capital type with the cumulative disbursed as of the statement's
// date. Headers are matched as the imports match theirs (src/spreadsheets/columns.ts
// normalizeLabel: no case, accents or punctuation), with the words a KBNN export uses.
import { z } from "zod";
import type { CapitalSource, CapitalType } from "../ledger/ledger.types.js";
import { nonNegativeAmountCell } from "../spreadsheets/cells.js";
import type { ColumnDef } from "../spreadsheets/columns.js";
import { scopeCells } from "../spreadsheets/import-row-schemas.js";

export const TREASURY_COLUMNS: readonly ColumnDef[] = [
  {
    key: "unitCode",
    header: "Mã đơn vị",
    aliases: ["unit", "unit code", "mã ĐVQHNS", "mã ĐVSDNS", "mã đơn vị sử dụng ngân sách", "mã ĐV"],
    // A KBNN export may hold the unit's name under "Đơn vị" beside its code.
    fallbackAliases: ["Đơn vị"],
    format: "code",
    required: true,
    example: "TAM_KY",
    width: 14,
  },
  {
    key: "program",
    header: "Mã chương trình",
    aliases: ["program", "program code", "mã CTMT", "mã CTMTQG", "chương trình MTQG"],
    fallbackAliases: ["Chương trình"],
    format: "code",
    required: true,
    example: "NTM",
    width: 14,
  },
  {
    key: "planYear",
    header: "Năm kế hoạch",
    aliases: ["plan year", "Năm KH", "năm ngân sách", "niên độ"],
    format: "year",
    required: true,
    example: 2022,
    width: 12,
  },
  {
    key: "carriedOverFrom",
    header: "Vốn năm trước chuyển sang",
    aliases: [
      "carried over from",
      "năm chuyển nguồn",
      "chuyển nguồn từ năm",
      "vốn kéo dài từ năm",
      "kéo dài từ năm",
    ],
    format: "year",
    // Left out, or blank: own capital of the plan year.
    required: false,
    example: null,
    width: 14,
  },
  {
    key: "source",
    header: "Nguồn vốn",
    aliases: ["source", "funding source", "nguồn"],
    format: "text",
    required: true,
    example: "Ngân sách trung ương",
    width: 26,
  },
  {
    key: "capitalType",
    header: "Loại vốn",
    aliases: ["capital type", "tính chất vốn", "tính chất nguồn vốn"],
    format: "text",
    required: true,
    example: "Vốn đầu tư phát triển",
    width: 24,
  },
  {
    key: "disbursed",
    header: "Lũy kế giải ngân",
    aliases: [
      "disbursed",
      "cumulative disbursed",
      "Lũy kế thanh toán",
      "lũy kế thanh toán từ đầu năm",
      "lũy kế giải ngân đến ngày",
      "lũy kế thanh toán đến ngày",
      "lũy kế",
    ],
    format: "amount",
    required: true,
    example: 600_000_000,
    width: 20,
  },
];

/** One row of a statement as read: a scope and its cumulative disbursed, whole đồng, never negative. */
export const treasuryRow = z
  .object({ ...scopeCells, disbursed: nonNegativeAmountCell })
  .superRefine((r, ctx) => {
    if (r.carriedOverFrom !== null && r.carriedOverFrom >= r.planYear)
      ctx.addIssue({
        code: "custom",
        path: ["carriedOverFrom"],
        message: `capital carried over into ${r.planYear} must come from an earlier year`,
        params: { rule: "before_plan_year" },
      });
  });

export type TreasuryRow = {
  row: number;
  unitCode: string;
  program: string;
  planYear: number;
  carriedOverFrom: number | null;
  source: CapitalSource;
  capitalType: CapitalType;
  disbursed: bigint;
};
