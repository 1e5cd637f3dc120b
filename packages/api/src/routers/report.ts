import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { reportCsv } from '../reports/csv.ts';
import {
  forecastReport,
  ganttReport,
  kpiReport,
  lossReasonReport,
  partnerReport,
  pipelineReport,
  revenueReport,
} from '../reports/reports.ts';
import { ganttInput, pipelineInput, rangeInput, reportNames } from '../reports/schemas.ts';
import { userProcedure } from '../trpc.ts';

export const reportRouter = {
  pipeline: userProcedure
    .input(pipelineInput)
    .query(({ ctx, input }) => pipelineReport(ctx.db, ctx.principal, input)),
  gantt: userProcedure.input(ganttInput).query(({ ctx, input }) => ganttReport(ctx.db, ctx.principal, input)),
  kpis: userProcedure.input(rangeInput).query(({ ctx, input }) => kpiReport(ctx.db, ctx.principal, input)),
  forecast: userProcedure
    .input(rangeInput)
    .query(({ ctx, input }) => forecastReport(ctx.db, ctx.principal, input)),
  revenue: userProcedure
    .input(rangeInput)
    .query(({ ctx, input }) => revenueReport(ctx.db, ctx.principal, input)),
  lossReasons: userProcedure
    .input(rangeInput)
    .query(({ ctx, input }) => lossReasonReport(ctx.db, ctx.principal, input)),
  partners: userProcedure
    .input(rangeInput)
    .query(({ ctx, input }) => partnerReport(ctx.db, ctx.principal, input)),
  /** The same report as CSV text; `params` are the report's own input. */
  csv: userProcedure
    .input(z.object({ report: z.enum(reportNames), params: z.record(z.string(), z.unknown()).default({}) }))
    .query(({ ctx, input }) => reportCsv(ctx.db, ctx.principal, input.report, input.params, ctx.locale)),
} satisfies TRPCRouterRecord;
