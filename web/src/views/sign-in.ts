// Sign-in: the API key an admin issued. It is kept in this tab's sessionStorage only.
import { clearKey, setKey } from "../auth";
import { h } from "../dom";
import type { View } from "../router";

const REASONS: Record<string, string> = {
  expired: "Khóa API không hợp lệ, đã bị thu hồi hoặc phiên đã hết. Vui lòng đăng nhập lại.",
  signed_out: "Bạn đã đăng xuất.",
};

/** Only paths of this app: never another site after signing in. */
export function safeNext(next: string | null): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-in") ? next : "/";
}

export const signInView: View = (root, ctx) => {
  const reason = ctx.query.get("reason");
  const input = h("input", {
    id: "api-key",
    name: "api-key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    required: true,
    minlength: 8,
    "aria-describedby": "api-key-hint",
  });
  const form = h(
    "form",
    {
      class: "sign-in-form",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        setKey(key);
        ctx.navigate(safeNext(ctx.query.get("next")), { replace: true });
      },
    },
    h("label", { for: "api-key" }, "Khóa API"),
    input,
    h(
      "p",
      { id: "api-key-hint", class: "muted small" },
      "Khóa do quản trị viên cấp (quyền quản trị hoặc xem toàn tỉnh). Khóa chỉ được giữ trong thẻ trình duyệt này và bị xóa khi đóng thẻ hoặc đăng xuất.",
    ),
    h("button", { type: "submit", class: "button button-primary" }, "Đăng nhập"),
  );
  clearKey();
  root.replaceChildren(
    h(
      "section",
      { class: "card sign-in" },
      h("p", { class: "brand-large" }, "Giám sát giải ngân vốn các Chương trình mục tiêu quốc gia"),
      h("h1", null, "Đăng nhập"),
      reason && REASONS[reason]
        ? h("p", { class: reason === "expired" ? "error-box" : "info-box", role: "alert" }, REASONS[reason])
        : null,
      form,
    ),
  );
  input.focus();
};
