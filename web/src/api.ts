// Every data call: the API key from the session as a Bearer token. A 401 forgets the key.
import { clearKey, getKey } from "./auth";
import { parseJson } from "./json";
import { AMOUNT_KEYS } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | null | undefined>;

export async function getJson<T>(path: string, query: Query = {}): Promise<T> {
  const key = getKey();
  if (!key) throw new ApiError(401, "Chưa đăng nhập.");
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== null && v !== undefined && v !== "") params.set(k, String(v));
  const qs = params.toString();
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${qs ? `?${qs}` : ""}`, {
      headers: { authorization: `Bearer ${key}`, accept: "application/json" },
    });
  } catch {
    throw new ApiError(0, "Không kết nối được với máy chủ. Kiểm tra mạng rồi thử lại.");
  }
  if (res.status === 401) {
    clearKey();
    throw new ApiError(401, "Khóa API không hợp lệ hoặc đã bị thu hồi.");
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { message?: string } | null;
    throw new ApiError(res.status, messageFor(res.status, body?.message));
  }
  try {
    return parseJson(await res.text(), { bigintKeys: AMOUNT_KEYS }) as T;
  } catch {
    throw new ApiError(res.status, "Máy chủ trả về dữ liệu không đọc được. Vui lòng thử lại.");
  }
}

function messageFor(status: number, detail: string | undefined): string {
  if (status === 403)
    return "Khóa API này không có quyền xem trang này (cần quyền quản trị hoặc xem toàn tỉnh).";
  if (status === 404) return `Không tìm thấy dữ liệu${detail ? ` (${detail})` : ""}.`;
  if (status === 400) return `Tham số không hợp lệ${detail ? `: ${detail}` : ""}.`;
  if (status === 503) return "Cơ sở dữ liệu tạm thời không sẵn sàng. Vui lòng thử lại sau ít phút.";
  return `Lỗi máy chủ (${status}). Vui lòng thử lại.`;
}
