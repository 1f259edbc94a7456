// Vietnamese display of amounts, rates and dates. Amounts arrive as whole đồng in bigint (see
// api.ts) and are written from their digits, never through a float; rates are display numbers
// the service already rounded (percent, 2 decimals). Dates are written by date-fns.
import { tz } from "@date-fns/tz";
import { format } from "date-fns/format";
import { vi } from "date-fns/locale/vi";

/**
 * The service's time zone (DEFAULT_TIME_ZONE of src/domain/local-date.ts). Written again here: the
 * dashboard is a project of its own, built before the service's sources are there (Dockerfile).
 */
const TIME_ZONE = "Asia/Ho_Chi_Minh";

const groupThousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");

/** 1234567890n → "1.234.567.890 đ", exact at any size. */
export function vnd(n: bigint | null | undefined): string {
  if (n === null || n === undefined) return "—";
  const digits = (n < 0n ? -n : n).toString();
  return `${n < 0n ? "-" : ""}${groupThousands(digits)} đ`;
}

/**
 * Short amounts for chart axes and bars: "12,5 tỷ", "350 tr". Rounded by design (display only);
 * a bigint is scaled in bigint, a number (an axis tick of the chart) as it comes.
 */
export function vndShort(n: number | bigint): string {
  if (typeof n === "bigint") {
    const abs = n < 0n ? -n : n;
    if (abs >= 1_000_000_000n) return `${scaled(n, 1_000_000_000n, abs >= 100_000_000_000n ? 0 : 2)} tỷ`;
    if (abs >= 1_000_000n) return `${scaled(n, 1_000_000n, 0)} tr`;
    return groupThousands(n.toString());
  }
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${decimal(n / 1e9, abs >= 1e11 ? 0 : 2)} tỷ`;
  if (abs >= 1e6) return `${decimal(n / 1e6, 0)} tr`;
  return decimal(n, 0);
}

/** n / unit with `digits` decimals, rounded half away from zero in bigint, trailing zeros dropped. */
function scaled(n: bigint, unit: bigint, digits: number): string {
  const abs = n < 0n ? -n : n;
  const q = (abs * 10n ** BigInt(digits) * 2n + unit) / (2n * unit);
  const s = q.toString().padStart(digits + 1, "0");
  const int = s.slice(0, s.length - digits);
  const frac = s.slice(s.length - digits).replace(/0+$/, "");
  const sign = n < 0n && q > 0n ? "-" : "";
  return `${sign}${groupThousands(int)}${frac ? `,${frac}` : ""}`;
}

export function decimal(n: number, digits: number): string {
  const fixed = n.toFixed(digits);
  const [int, frac] = fixed.split(".");
  const grouped = groupThousands(int ?? "");
  return frac && Number(frac) !== 0 ? `${grouped},${frac.replace(/0+$/, "")}` : grouped;
}

/** 56.1 → "56,10%", 1234.5 → "1.234,50%"; null → "—". Never rounds again what the service rounded. */
export function pct(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  const hundredths = Math.round(Math.abs(n) * 100);
  const sign = n < 0 && hundredths > 0 ? "-" : "";
  return `${sign}${groupThousands(String(Math.trunc(hundredths / 100)))},${String(hundredths % 100).padStart(2, "0")}%`;
}

/**
 * part / whole in percent, 2 decimals rounded half away from zero, computed in bigint: for
 * totals the view adds up itself (display only; milestone rates come from the service).
 */
export function percentOf(part: bigint, whole: bigint): number | null {
  if (whole <= 0n) return null;
  const num = part * 10_000n;
  const abs = num < 0n ? -num : num;
  const hundredths = (2n * abs + whole) / (2n * whole);
  return (num < 0n ? -Number(hundredths) : Number(hundredths)) / 100;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** "2022-09-30" → "30/09/2022"; an ISO instant by its first 10 characters (its UTC date). */
export function date(iso: string | null | undefined): string {
  const m = iso ? ISO_DATE.exec(iso) : null;
  if (!m) return "—";
  // Local midnight of the browser, the zone `format` reads a Date in; setFullYear, not the
  // constructor, which reads years 0-99 as 1900-1999.
  const day = new Date(0);
  day.setFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  day.setHours(0, 0, 0, 0);
  return format(day, "dd/MM/uuuu", { locale: vi });
}

/** "13 ngày (10 ngày làm việc)": days left to a due date, counted both ways; "—" once due. */
export function daysLeftText(daysLeft: number, workingDaysLeft: number | undefined): string {
  if (daysLeft <= 0) return "—";
  return workingDaysLeft === undefined
    ? `${daysLeft} ngày`
    : `${daysLeft} ngày (${workingDaysLeft} ngày làm việc)`;
}

/** An ISO instant in Vietnam's time: "30/09/2022 07:05". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return format(new Date(iso), "dd/MM/uuuu HH:mm", { locale: vi, in: tz(TIME_ZONE) });
}

export const STATUS_LABEL: Record<string, string> = {
  met: "Đạt",
  on_track: "Đúng tiến độ",
  at_risk: "Có nguy cơ",
  missed: "Không đạt",
  not_applicable: "Không áp dụng",
};

/** A duty's status as units read it: whether the document was sent, and in time. */
export const DUTY_STATUS_LABEL: Record<string, string> = {
  met: "Đã nộp",
  on_track: "Đúng tiến độ",
  at_risk: "Sắp đến hạn",
  missed: "Chưa nộp – quá hạn",
  not_applicable: "Không áp dụng",
};

/** The label of a duty's status; a missed duty whose document came late says so. */
export function dutyStatusLabel(status: string, submitted: boolean): string {
  if (status === "missed" && submitted) return "Nộp muộn";
  return DUTY_STATUS_LABEL[status] ?? status;
}

export const UNIT_KIND_LABEL: Record<string, string> = {
  district: "Huyện, thị xã, thành phố",
  department: "Sở, ban, ngành",
};

export const UNIT_KIND_SHORT: Record<string, string> = { district: "Cấp huyện", department: "Sở, ngành" };

export const SOURCE_LABEL: Record<string, string> = {
  central: "Ngân sách trung ương",
  provincial: "Ngân sách tỉnh",
  district: "Ngân sách huyện, xã (đối ứng)",
  other: "Vốn huy động khác",
};

export const CAPITAL_TYPE_LABEL: Record<string, string> = {
  investment: "Vốn đầu tư phát triển",
  recurrent: "Vốn sự nghiệp",
};

const MESSAGE_STATUS_LABEL: Record<string, string> = {
  pending: "Chờ gửi",
  sending: "Đang gửi",
  sent: "Đã gửi",
  retry: "Sẽ gửi lại",
  dead: "Gửi không thành công",
};

export function stageLabel(stage: string): string {
  const reminder = /^reminder_(\d+)$/.exec(stage);
  if (reminder) return `Nhắc hạn (trước ${reminder[1]} ngày)`;
  if (stage.startsWith("digest")) return "Bản tin tổng hợp tuần";
  return (
    {
      at_risk: "Cảnh báo có nguy cơ",
      missed: "Thông báo không đạt mốc",
      recovered: "Thông báo đã đạt lại",
      escalation: "Báo cáo lãnh đạo tỉnh",
      request_advisory: "Khuyến nghị đề xuất điều chuyển",
    }[stage] ?? stage
  );
}

export function deliveryLabel(a: { outcome: string; message: { status: string } | null }): string {
  if (a.outcome === "skipped") return "Không gửi";
  return a.message ? (MESSAGE_STATUS_LABEL[a.message.status] ?? a.message.status) : "Chờ gửi";
}

/** "Chương trình MTQG xây dựng nông thôn mới" → "Xây dựng nông thôn mới". */
export function shortProgramName(name: string): string {
  const s = name.replace(/^Chương trình (MTQG|mục tiêu quốc gia)\s*/i, "");
  return s.charAt(0).toLocaleUpperCase("vi") + s.slice(1);
}
