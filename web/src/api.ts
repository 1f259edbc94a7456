// Every data call: the API key from the session as a Bearer token. A 401 forgets the key.
import { clearKey, getKey } from "./auth";
import { parseJson } from "./json";
import { AMOUNT_KEYS } from "./types";

/** A field the server named in a refusal: `body.submittedOn`, `querystring.fileName`, "body". */
export type Issue = { path: string; rule: string; message: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** What the server said was wrong, field by field (validation and rule refusals). */
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | null | undefined>;

type ErrorBody = { error?: string; message?: string; issues?: Issue[] };

function url(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== null && v !== undefined && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return `/api/v1${path}${qs ? `?${qs}` : ""}`;
}

/**
 * One call with the session's key; answers the Response when it is 2xx. A write's refusal keeps
 * the server's issues, so the form can name the fields; a read's is worded for a page.
 */
async function call(
  method: "GET" | "POST",
  path: string,
  o: { query?: Query; body?: BodyInit; contentType?: string; accept?: string; write?: boolean } = {},
): Promise<Response> {
  const key = getKey();
  if (!key) throw new ApiError(401, "Chưa đăng nhập.");
  const headers: Record<string, string> = {
    authorization: `Bearer ${key}`,
    accept: o.accept ?? "application/json",
  };
  if (o.contentType) headers["content-type"] = o.contentType;
  let res: Response;
  try {
    res = await fetch(url(path, o.query ?? {}), {
      method,
      headers,
      ...(o.body !== undefined ? { body: o.body } : {}),
    });
  } catch {
    throw new ApiError(0, "Không kết nối được với máy chủ. Kiểm tra mạng rồi thử lại.");
  }
  if (res.status === 401) {
    clearKey();
    throw new ApiError(401, "Khóa API không hợp lệ hoặc đã bị thu hồi.");
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ErrorBody | null;
    const issues = Array.isArray(body?.issues) ? body.issues : [];
    throw new ApiError(
      res.status,
      o.write ? writeMessageFor(res.status, body?.message) : messageFor(res.status, body?.message),
      issues,
    );
  }
  return res;
}

async function readJson<T>(res: Response): Promise<T> {
  try {
    return parseJson(await res.text(), { bigintKeys: AMOUNT_KEYS }) as T;
  } catch {
    throw new ApiError(res.status, "Máy chủ trả về dữ liệu không đọc được. Vui lòng thử lại.");
  }
}

export async function getJson<T>(path: string, query: Query = {}): Promise<T> {
  return readJson<T>(await call("GET", path, { query }));
}

/** A write with a JSON body. */
export async function postJson<T>(path: string, body: unknown, query: Query = {}): Promise<T> {
  return readJson<T>(
    await call("POST", path, {
      query,
      body: JSON.stringify(body),
      contentType: "application/json",
      write: true,
    }),
  );
}

/** A write whose body is a file's bytes, its fields in the query string (as the API's uploads are). */
export async function postFile<T>(path: string, query: Query, file: Blob, contentType: string): Promise<T> {
  return readJson<T>(await call("POST", path, { query, body: file, contentType, write: true }));
}

/** A file the API serves only with the key: fetched, then handed to the browser to save. */
export async function downloadFile(path: string, fileName: string): Promise<void> {
  const blob = await (await call("GET", path, { accept: "*/*" })).blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // After the click has started the download; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

function messageFor(status: number, detail: string | undefined): string {
  if (status === 403)
    return "Khóa API này không có quyền xem trang này (cần quyền quản trị hoặc xem toàn tỉnh).";
  if (status === 404) return `Không tìm thấy dữ liệu${detail ? ` (${detail})` : ""}.`;
  if (status === 400) return `Tham số không hợp lệ${detail ? `: ${detail}` : ""}.`;
  if (status === 503) return "Cơ sở dữ liệu tạm thời không sẵn sàng. Vui lòng thử lại sau ít phút.";
  return `Lỗi máy chủ (${status}). Vui lòng thử lại.`;
}

/** A refused write, in Vietnamese; the fields at fault come with the error's issues. */
function writeMessageFor(status: number, detail: string | undefined): string {
  if (status === 403)
    return "Khóa API này không được ghi dữ liệu cho đơn vị này (chỉ quản trị viên, hoặc cán bộ được giao đơn vị).";
  if (status === 404) return `Không tìm thấy dữ liệu${detail ? ` (${detail})` : ""}.`;
  if (status === 400) return "Dữ liệu nhập chưa hợp lệ.";
  if (status === 409) return "Dữ liệu đã thay đổi trong lúc gửi. Tải lại trang rồi thử lại.";
  if (status === 413) return "Tệp quá lớn: tối đa 10 MB.";
  if (status === 415) return "Tệp đính kèm không được chấp nhận.";
  if (status === 422) return "Không ghi nhận được: dữ liệu trái quy định.";
  if (status === 429) return "Gửi quá nhiều yêu cầu. Vui lòng chờ một lát rồi thử lại.";
  if (status === 503) return "Cơ sở dữ liệu tạm thời không sẵn sàng. Vui lòng thử lại sau ít phút.";
  return `Lỗi máy chủ (${status}). Vui lòng thử lại.`;
}
