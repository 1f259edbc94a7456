// The columns of the import kinds: the English key, the Vietnamese header the templates show,
// the other headers units write, and how the cell is formatted. Also the Vietnamese words
// for sources and capital types, read on import and written on export.
import type { CapitalSource, CapitalType } from "../ledger/ledger.types.js";

export const IMPORT_KINDS = ["allocations", "disbursements", "duty-submissions"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
/** The kinds that write ledger entries (the others record documents sent). */
export type LedgerImportKind = Exclude<ImportKind, "duty-submissions">;

/** Rows a file may hold at most (after the header); the app's body limit bounds the bytes. */
export const MAX_IMPORT_ROWS = 20_000;

export type ColumnFormat = "code" | "text" | "year" | "amount" | "date";

export type ColumnDef = {
  key: string;
  /** The header the templates write, in Vietnamese. */
  header: string;
  /** Other headers accepted for this column (compared without case, accents or punctuation). */
  aliases: string[];
  /**
   * Headers taken for this column only when no other column of the file names it: a Treasury
   * export may hold both "Mã đơn vị" (the code) and "Đơn vị" (the name).
   */
  fallbackAliases?: string[];
  format: ColumnFormat;
  required: boolean;
  /** What the template's example row holds. */
  example: string | number | null;
  width: number;
};

const scopeColumns: ColumnDef[] = [
  {
    key: "unitCode",
    header: "Mã đơn vị",
    aliases: ["unit", "unit code", "ma dv", "ma don vi su dung"],
    format: "code",
    required: true,
    example: "TAM_KY",
    width: 14,
  },
  {
    key: "program",
    header: "Chương trình",
    aliases: ["program code", "programme", "ma chuong trinh", "chuong trinh mtqg", "ctmtqg"],
    format: "code",
    required: true,
    example: "NTM",
    width: 14,
  },
  {
    key: "planYear",
    header: "Năm kế hoạch",
    aliases: ["plan year", "year", "nam kh", "nam"],
    format: "year",
    required: true,
    example: 2022,
    width: 12,
  },
  {
    key: "carriedOverFrom",
    header: "Vốn kéo dài từ năm",
    aliases: ["carried over from", "keo dai tu nam", "nam keo dai", "von nam truoc keo dai"],
    format: "year",
    // The column may be left out entirely: then every row is own capital of the plan year.
    required: false,
    example: null,
    width: 14,
  },
  {
    key: "source",
    header: "Nguồn vốn",
    aliases: ["funding source", "nguon"],
    format: "text",
    required: true,
    example: "Ngân sách trung ương",
    width: 26,
  },
  {
    key: "capitalType",
    header: "Loại vốn",
    aliases: ["capital type", "type", "tinh chat von"],
    format: "text",
    required: true,
    example: "Vốn đầu tư phát triển",
    width: 24,
  },
];

const noteColumn: ColumnDef = {
  key: "note",
  header: "Ghi chú",
  aliases: ["notes", "comment"],
  format: "text",
  required: false,
  example: null,
  width: 30,
};

export const COLUMNS: Record<ImportKind, ColumnDef[]> = {
  allocations: [
    ...scopeColumns,
    {
      key: "amount",
      header: "Số tiền",
      aliases: ["so von", "so tien phan bo", "ke hoach von", "von phan bo", "amount vnd"],
      format: "amount",
      required: true,
      example: 1_000_000_000,
      width: 20,
    },
    {
      key: "decisionRef",
      header: "Số quyết định",
      aliases: ["decision", "decision ref", "quyet dinh", "so qd"],
      format: "text",
      required: true,
      example: "123/QĐ-UBND",
      width: 18,
    },
    {
      key: "decidedOn",
      header: "Ngày quyết định",
      aliases: ["decided on", "decision date", "ngay qd", "ngay ban hanh"],
      format: "date",
      required: true,
      example: "2022-01-15",
      width: 16,
    },
    noteColumn,
  ],
  disbursements: [
    ...scopeColumns,
    {
      key: "cumulativeDisbursed",
      header: "Lũy kế giải ngân",
      aliases: ["cumulative", "cumulative disbursed", "luy ke", "luy ke giai ngan den ngay bao cao"],
      format: "amount",
      required: true,
      example: 600_000_000,
      width: 20,
    },
    {
      key: "asOf",
      header: "Đến ngày",
      aliases: ["as of", "date", "ngay bao cao", "tinh den ngay", "den ngay bao cao"],
      format: "date",
      required: true,
      example: "2022-09-30",
      width: 14,
    },
    {
      key: "reference",
      header: "Số chứng từ",
      aliases: ["ref", "chung tu", "so hieu chung tu", "so bao cao"],
      format: "text",
      required: true,
      example: "KBNN-2022-0930",
      width: 18,
    },
    noteColumn,
  ],
  // Documents units sent for a plan's duties (src/duties/submission-import.ts reads the rows).
  "duty-submissions": [
    {
      key: "planYear",
      header: "Năm kế hoạch",
      aliases: ["plan year", "year", "nam kh", "nam"],
      format: "year",
      required: true,
      example: 2022,
      width: 12,
    },
    {
      key: "duty",
      header: "Mã nghĩa vụ",
      aliases: ["duty id", "duty code", "nghia vu", "ma bao cao"],
      format: "code",
      required: true,
      example: "BC_6_THANG",
      width: 16,
    },
    {
      key: "unit",
      header: "Mã đơn vị",
      aliases: ["unit code", "unitCode", "ma dv"],
      format: "code",
      required: true,
      example: "TAM_KY",
      width: 14,
    },
    {
      key: "documentNumber",
      header: "Số văn bản",
      aliases: ["document number", "document no", "so vb", "so hieu van ban"],
      format: "text",
      required: true,
      example: "45/BC-UBND",
      width: 18,
    },
    {
      key: "submittedOn",
      header: "Ngày gửi",
      aliases: ["submitted on", "sent on", "ngay gui van ban", "ngay gui bao cao"],
      format: "date",
      required: true,
      example: "2022-06-17",
      width: 14,
    },
    noteColumn,
  ],
};

/** Lower case, no accents (đ → d), punctuation as spaces: "Lũy kế (đồng)*" → "luy ke dong". */
export function normalizeLabel(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase()
    .replace(/\([^)]*\)/g, " ")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

/** camelCase keys match as words too: "unitCode" and "unit code" are the same header. */
const keyWords = (key: string) => key.replace(/([a-z])([A-Z])/g, "$1 $2");

/** The columns a file is read with: an import kind's, or a list of its own (Treasury statements). */
export type ColumnSet = ImportKind | readonly ColumnDef[];

export const columnsOf = (set: ColumnSet): readonly ColumnDef[] =>
  typeof set === "string" ? COLUMNS[set] : set;

export function headerLookup(set: ColumnSet): Map<string, ColumnDef> {
  const map = new Map<string, ColumnDef>();
  for (const c of columnsOf(set))
    for (const label of [c.key, keyWords(c.key), c.header, ...c.aliases]) map.set(normalizeLabel(label), c);
  return map;
}

/** Headers that name a column only when no other header of the file does (ColumnDef.fallbackAliases). */
export function fallbackLookup(set: ColumnSet): Map<string, ColumnDef> {
  const map = new Map<string, ColumnDef>();
  for (const c of columnsOf(set))
    for (const label of c.fallbackAliases ?? []) map.set(normalizeLabel(label), c);
  return map;
}

export const SOURCE_LABELS: Record<CapitalSource, string> = {
  central: "Ngân sách trung ương",
  provincial: "Ngân sách tỉnh",
  district: "Ngân sách huyện/xã đối ứng",
  other: "Nguồn vốn huy động khác",
};

export const CAPITAL_TYPE_LABELS: Record<CapitalType, string> = {
  investment: "Vốn đầu tư phát triển",
  recurrent: "Vốn sự nghiệp",
};

const SOURCE_WORDS: Record<CapitalSource, string[]> = {
  central: ["central", "ngan sach trung uong", "ns trung uong", "nstw", "trung uong", "tw"],
  provincial: ["provincial", "ngan sach tinh", "ns tinh", "nst", "tinh", "ngan sach dia phuong tinh"],
  district: [
    "district",
    "ngan sach huyen xa doi ung",
    "ngan sach huyen",
    "ngan sach xa",
    "ngan sach huyen xa",
    "ns huyen",
    "huyen",
    "doi ung",
    "von doi ung",
    "ngan sach dia phuong doi ung",
  ],
  other: ["other", "nguon von huy dong khac", "nguon khac", "von huy dong khac", "huy dong khac", "khac"],
};

const CAPITAL_TYPE_WORDS: Record<CapitalType, string[]> = {
  investment: ["investment", "von dau tu phat trien", "dau tu phat trien", "dtpt", "von dtpt", "dau tu"],
  recurrent: ["recurrent", "von su nghiep", "su nghiep", "sn", "von sn", "kinh phi su nghiep"],
};

function vocabulary<T extends string>(words: Record<T, string[]>, labels: Record<T, string>) {
  const map = new Map<string, T>();
  for (const [value, list] of Object.entries(words) as [T, string[]][])
    for (const w of [...list, labels[value]]) map.set(normalizeLabel(w), value);
  return map;
}

export const SOURCE_VALUES = vocabulary(SOURCE_WORDS, SOURCE_LABELS);
export const CAPITAL_TYPE_VALUES = vocabulary(CAPITAL_TYPE_WORDS, CAPITAL_TYPE_LABELS);
