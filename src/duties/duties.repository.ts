// Submissions of duties, append-only (a trigger refuses UPDATE and DELETE): a submission is
// withdrawn by a later row naming it. File bytes are read only by `fileOf`, never with lists.
import { type LocalDate, localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import type { PrismaClient } from "../generated/prisma/client.js";

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
  };
}

export type DutiesRepository = ReturnType<typeof createDutiesRepository>;
