// The unit page's duties: each duty's recorded submissions (with their files), and the form that
// records one. The web does not know which units a key may write for: the form is shown to every
// signed-in user, and the server's 403 says when a key may not.
import { ApiError, downloadFile, getJson, postFile, postJson } from "../../api";
import { h } from "../../dom";
import { date } from "../../format";
import type { ViewContext } from "../../router";
import {
  ACCEPTED_EXTENSIONS,
  fileProblem,
  fileSizeText,
  issueText,
  MAX_SUBMISSION_FILE_BYTES,
  uploadContentType,
} from "../../submission";
import type { DutyRow, Submission, UnitDuties, UnitView } from "../../types";

type Saved = Submission & { planYear: number; dutyId: string };

/** Said once after a submission is recorded, on the page drawn again (keyed by unit). */
let flash: { unit: string; text: string } | null = null;

/**
 * Every submission of the unit's duties, by duty id; null when the list could not be read (the
 * table then shows the latest submission the dashboard answer carries).
 */
export async function fetchDutySubmissions(
  data: Pick<UnitView, "unit" | "asOf" | "planYear" | "duties">,
): Promise<Map<string, Submission[]> | null> {
  if (data.duties.length === 0) return new Map();
  try {
    const res = await getJson<UnitDuties>(`/units/${encodeURIComponent(data.unit.code)}/duties`, {
      planYear: data.planYear,
      asOf: data.asOf,
    });
    return new Map(res.duties.map((d) => [d.id, d.submissions]));
  } catch (err) {
    // A refused key is the page's concern (its next call signs out); anything else only costs the list.
    if (err instanceof ApiError && err.status === 401) throw err;
    return null;
  }
}

const submissionPath = (planYear: number, dutyId: string) =>
  `/duties/${planYear}/${encodeURIComponent(dutyId)}/submissions`;

/** The cell "Văn bản đã nộp": each submission, its note and its file; withdrawn ones struck. */
export function submissionsCell(
  d: DutyRow,
  planYear: number,
  submissions: Submission[] | undefined,
): HTMLElement | string {
  if (!submissions)
    return d.submission ? `Số ${d.submission.documentNumber}, ngày ${date(d.submission.submittedOn)}` : "—";
  if (submissions.length === 0) return "—";
  return h(
    "ul",
    { class: "submissions" },
    submissions.map((s) =>
      h(
        "li",
        { "data-submission": s.id, class: s.withdrawal ? "withdrawn" : null },
        h(
          "span",
          { class: "submission-ref" },
          `Số ${s.documentNumber}, ngày ${date(s.submittedOn)}`,
          s.withdrawal ? ` (đã rút${s.withdrawal.reason ? `: ${s.withdrawal.reason}` : ""})` : "",
        ),
        s.note ? h("span", { class: "muted small submission-note" }, s.note) : null,
        s.file ? fileButton(planYear, d.id, s) : null,
      ),
    ),
  );
}

/** A file is served only with the key: fetched and saved by script, not by a plain link. */
function fileButton(planYear: number, dutyId: string, s: Submission): HTMLElement {
  const file = s.file!;
  const problem = h("span", { role: "alert", class: "field-error" });
  const button = h(
    "button",
    {
      type: "button",
      class: "link-button",
      title: `Tải tệp ${file.name} về máy`,
      onclick: async () => {
        button.disabled = true;
        problem.textContent = "";
        try {
          await downloadFile(`${submissionPath(planYear, dutyId)}/${s.id}/file`, file.name);
        } catch (err) {
          problem.textContent = (err as Error).message;
        } finally {
          button.disabled = false;
        }
      },
    },
    `Tệp: ${file.name} (${fileSizeText(file.size)})`,
  );
  return h("span", { class: "submission-file" }, button, problem);
}

/** The form "Ghi nhận văn bản đã nộp": one form, the duty chosen in it. */
export function submissionForm(ctx: ViewContext, data: UnitView): HTMLElement {
  const unit = data.unit.code;
  // The duty most in need of a document first: missed, then at risk, then the nearest due.
  const order: Record<string, number> = { missed: 0, at_risk: 1, on_track: 2, met: 3 };
  const duties = [...data.duties].sort(
    (a, b) => (order[a.status] ?? 4) - (order[b.status] ?? 4) || (a.dueOn < b.dueOn ? -1 : 1),
  );
  const field = (id: string, label: string, input: HTMLElement, hint?: string) =>
    h(
      "div",
      { class: "control" },
      h("label", { for: id }, label),
      input,
      hint ? h("span", { id: `${id}-hint`, class: "muted small" }, hint) : null,
    );
  const dutySelect = h(
    "select",
    { id: "submission-duty", name: "duty", required: true },
    duties.map((d) => h("option", { value: d.id }, `${d.id} · hạn ${date(d.dueOn)}`)),
  );
  const numberInput = h("input", {
    id: "submission-number",
    name: "documentNumber",
    type: "text",
    required: true,
    maxlength: 100,
    autocomplete: "off",
    placeholder: "VD: 12/BC-UBND",
  });
  const dateInput = h("input", {
    id: "submission-date",
    name: "submittedOn",
    type: "date",
    required: true,
    value: data.today,
  });
  const noteInput = h("input", { id: "submission-note", name: "note", type: "text", maxlength: 1000 });
  const fileInput = h("input", {
    id: "submission-file",
    name: "file",
    type: "file",
    accept: ACCEPTED_EXTENSIONS.join(","),
    "aria-describedby": "submission-file-hint",
  });
  const submit = h("button", { type: "submit", class: "button button-primary" }, "Ghi nhận");
  const outcome = h("div", { class: "submission-outcome", "aria-live": "polite" });
  const said = flash?.unit === unit ? flash.text : null;
  flash = null;
  if (said) outcome.replaceChildren(h("p", { class: "info-box", role: "status" }, said));

  const refuse = (message: string, lines: string[] = []) =>
    outcome.replaceChildren(
      h(
        "div",
        { class: "error-box", role: "alert" },
        h("p", null, message),
        lines.length > 0
          ? h(
              "ul",
              null,
              lines.map((l) => h("li", null, l)),
            )
          : null,
      ),
    );

  let sending = false;
  const form = h(
    "form",
    {
      class: "submission-form",
      "aria-labelledby": "submission-form-title",
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        if (sending) return;
        const dutyId = dutySelect.value;
        const documentNumber = numberInput.value.trim();
        const submittedOn = dateInput.value;
        const note = noteInput.value.trim();
        const file = fileInput.files?.[0] ?? null;
        if (!documentNumber) return refuse("Chưa ghi nhận được.", ["Số văn bản: không được để trống."]);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(submittedOn))
          return refuse("Chưa ghi nhận được.", ["Ngày gửi: chọn ngày gửi văn bản."]);
        const tooBig = file ? fileProblem(file) : null;
        if (tooBig) return refuse("Chưa ghi nhận được.", [tooBig]);

        sending = true;
        submit.disabled = true;
        outcome.replaceChildren(h("p", { class: "muted", role: "status" }, "Đang gửi…"));
        const fields = { unit, documentNumber, submittedOn, ...(note ? { note } : {}) };
        const path = submissionPath(data.planYear, dutyId);
        try {
          const saved = file
            ? await postFile<Saved>(
                `${path}/with-file`,
                { ...fields, fileName: file.name },
                file,
                uploadContentType(file.name, file.type),
              )
            : await postJson<Saved>(path, fields);
          if (!ctx.isCurrent()) return;
          flash = {
            unit,
            text: `Đã ghi nhận văn bản số ${saved.documentNumber}, ngày ${date(saved.submittedOn)} cho nghĩa vụ ${saved.dutyId}${saved.file ? `, kèm tệp ${saved.file.name}` : ""}.`,
          };
          // Drawn again from the server: the duty's status is its rule, not the form's guess.
          // The button stays disabled until the page is replaced, so a second click sends nothing.
          ctx.setQuery({}, { replace: true });
        } catch (err) {
          sending = false;
          submit.disabled = false;
          if (err instanceof ApiError && err.status === 401) {
            const next = encodeURIComponent(location.pathname + location.search);
            ctx.navigate(`/sign-in?reason=expired&next=${next}`, { replace: true });
            return;
          }
          const issues = err instanceof ApiError ? err.issues.map((i) => issueText(i)) : [];
          refuse((err as Error).message, issues);
        }
      },
    },
    h("h3", { id: "submission-form-title" }, "Ghi nhận văn bản đã nộp"),
    data.asOf !== data.today
      ? h(
          "p",
          { class: "muted small" },
          `Trang đang xem số liệu đến ngày ${date(data.asOf)}: văn bản ghi nhận hôm nay được tính từ ngày ${date(data.today)}.`,
        )
      : null,
    h(
      "div",
      { class: "controls submission-fields" },
      field("submission-duty", "Nghĩa vụ", dutySelect),
      field("submission-number", "Số văn bản", numberInput),
      field("submission-date", "Ngày gửi", dateInput),
      field("submission-note", "Ghi chú (không bắt buộc)", noteInput),
      field(
        "submission-file",
        "Tệp đính kèm (không bắt buộc)",
        fileInput,
        `PDF, DOCX, XLSX, DOC, XLS, PNG hoặc JPEG; tối đa ${MAX_SUBMISSION_FILE_BYTES / 1024 / 1024} MB.`,
      ),
      submit,
    ),
    outcome,
  );
  return form;
}
