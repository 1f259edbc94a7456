// Submissions of duties, append-only (a trigger refuses UPDATE and DELETE): a submission is
// withdrawn by a later row naming it. File bytes are read only by `fileOf`, never with lists.
import { type LocalDate, localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

/** The client, or the transaction a write runs in. */
export type Db = PrismaClient | Prisma.TransactionClient;

export type SubmissionFileInfo = { name: string; type: string; size: number; sha256: string };

export type SubmissionRecord = {
  id: bigint;
  planYear: number;
  dutyId: string;
  unitCode: string;
  documentNumber: string;
  submittedOn: LocalDate;
  note: string | null;
  /** Set on a withdrawal: the submission it withdraws. */
  withdrawsId: bigint | null;
  file: SubmissionFileInfo | null;
  createdBy: string;
  createdAt: Date;
};

export type NewSubmission = Omit<SubmissionRecord, "id" | "file"> & {
  file: (SubmissionFileInfo & { content: Buffer }) | null;
};

/** A submission without a file, as a spreadsheet import records it. */
export type ImportedSubmission = Omit<SubmissionRecord, "id" | "file" | "withdrawsId">;

// Everything but the bytes.
const listed = {
  id: true,
  planYear: true,
  dutyId: true,
  unitCode: true,
  documentNumber: true,
  submittedOn: true,
  note: true,
  withdrawsId: true,
  fileName: true,
  fileType: true,
  fileSize: true,
  fileSha256: true,
  createdBy: true,
  createdAt: true,
} as const;

type Row = {
  id: bigint;
  planYear: number;
  dutyId: string;
  unitCode: string;
  documentNumber: string;
  submittedOn: Date;
  note: string | null;
  withdrawsId: bigint | null;
  fileName: string | null;
  fileType: string | null;
  fileSize: number | null;
  fileSha256: string | null;
  createdBy: string;
  createdAt: Date;
};

const toRecord = ({
  fileName,
  fileType,
  fileSize,
  fileSha256,
  submittedOn,
  ...r
}: Row): SubmissionRecord => ({
  ...r,
  submittedOn: utcDateToLocalDate(submittedOn),
  file:
    fileName !== null && fileType !== null && fileSize !== null && fileSha256 !== null
      ? { name: fileName, type: fileType, size: fileSize, sha256: fileSha256 }
      : null,
});

export function createDutiesRepository(prisma: PrismaClient) {
  return {
    /** The plan year's rows (submissions and withdrawals), of some units or all, oldest first. */
    async listSubmissions(
      planYear: number,
      f: { dutyId?: string | undefined; unitCodes?: string[] | undefined } = {},
    ): Promise<SubmissionRecord[]> {
      const rows = await prisma.dutySubmission.findMany({
        where: {
          planYear,
          ...(f.dutyId ? { dutyId: f.dutyId } : {}),
          ...(f.unitCodes ? { unitCode: { in: f.unitCodes } } : {}),
        },
        select: listed,
        orderBy: { id: "asc" },
      });
      return rows.map(toRecord);
    },

    async findSubmission(planYear: number, dutyId: string, id: bigint): Promise<SubmissionRecord | null> {
      const row = await prisma.dutySubmission.findFirst({ where: { id, planYear, dutyId }, select: listed });
      return row ? toRecord(row) : null;
    },

    /** The rows withdrawing the submission (none, or one; a race may leave two, which count as one). */
    async withdrawalsOf(id: bigint): Promise<SubmissionRecord[]> {
      return (await prisma.dutySubmission.findMany({ where: { withdrawsId: id }, select: listed })).map(
        toRecord,
      );
    },

    async fileOf(
      planYear: number,
      dutyId: string,
      id: bigint,
    ): Promise<{ unitCode: string; name: string; type: string; content: Buffer } | null> {
      const row = await prisma.dutySubmission.findFirst({
        where: { id, planYear, dutyId },
        select: { unitCode: true, fileName: true, fileType: true, fileContent: true },
      });
      if (!row || row.fileName === null || row.fileType === null || row.fileContent === null) return null;
      return {
        unitCode: row.unitCode,
        name: row.fileName,
        type: row.fileType,
        content: Buffer.from(row.fileContent),
      };
    },

    async insertSubmission(s: NewSubmission): Promise<SubmissionRecord> {
      const row = await prisma.dutySubmission.create({
        data: {
          planYear: s.planYear,
          dutyId: s.dutyId,
          unitCode: s.unitCode,
          documentNumber: s.documentNumber,
          submittedOn: localDateToUtcDate(s.submittedOn),
          note: s.note,
          withdrawsId: s.withdrawsId,
          fileName: s.file?.name ?? null,
          fileType: s.file?.type ?? null,
          fileSize: s.file?.size ?? null,
          fileSha256: s.file?.sha256 ?? null,
          // Prisma 7 takes Uint8Array for Bytes.
          fileContent: s.file ? new Uint8Array(s.file.content) : null,
          createdBy: s.createdBy,
          // The service's clock, so "recorded by asOf" reads on the same calendar as today().
          createdAt: s.createdAt,
        },
        select: listed,
      });
      return toRecord(row);
    },

    transaction: <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>) =>
      prisma.$transaction(fn, { timeout: 60_000, maxWait: 10_000 }),

    /**
     * Serialises imports of the same plan years until the transaction ends, so two imports of one
     * file at once cannot both find a row new and both write it.
     */
    async lockSubmissionYears(tx: Db, planYears: number[]): Promise<void> {
      const keys = [...new Set(planYears)].sort((a, b) => a - b).map((y) => `duty_submission|${y}`);
      if (keys.length === 0) return;
      await tx.$executeRaw`
        SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${keys}::text[]) WITH ORDINALITY AS t(k, i)`;
    },

    /** The rows (submissions and withdrawals) of these plan years and units, read in `db`. */
    async submissionsIn(db: Db, planYears: number[], unitCodes: string[]): Promise<SubmissionRecord[]> {
      if (planYears.length === 0 || unitCodes.length === 0) return [];
      const rows = await db.dutySubmission.findMany({
        where: { planYear: { in: [...new Set(planYears)] }, unitCode: { in: [...new Set(unitCodes)] } },
        select: listed,
        orderBy: { id: "asc" },
      });
      return rows.map(toRecord);
    },

    /**
     * Writes the rows in the caller's transaction as ONE statement: the table's statement-level
     * trigger (duty_submission_version) bumps the ledger version once, as insertSubmission's
     * single insert does, so cached answers follow. An INSERT from unnest of arrays keeps one
     * statement text whatever the batch's size (see insertAllocations). Ids in the rows' order.
     */
    async insertSubmissions(tx: Db, rows: ImportedSubmission[]): Promise<bigint[]> {
      if (rows.length === 0) return [];
      const inserted = await tx.$queryRaw<{ id: bigint }[]>`
        INSERT INTO duty_submission (plan_year, duty_id, unit_code, document_number, submitted_on, note,
                                     created_by, created_at)
        SELECT y, d, u, n, s, nt, b, c
        FROM unnest(${rows.map((r) => r.planYear)}::int[], ${rows.map((r) => r.dutyId)}::text[],
                    ${rows.map((r) => r.unitCode)}::text[], ${rows.map((r) => r.documentNumber)}::text[],
                    ${rows.map((r) => r.submittedOn)}::date[], ${rows.map((r) => r.note)}::text[],
                    ${rows.map((r) => r.createdBy)}::text[], ${rows.map((r) => r.createdAt.toISOString())}::timestamptz[])
             WITH ORDINALITY AS t(y, d, u, n, s, nt, b, c, i)
        ORDER BY i
        RETURNING id`;
      // Serial ids follow the ORDER BY: sorted, they are the rows' ids in order.
      return inserted.map((r) => r.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },
  };
}

export type DutiesRepository = ReturnType<typeof createDutiesRepository>;
