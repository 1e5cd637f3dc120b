import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import {
  accountAutomationInput,
  accountAutomationList,
  accountPriority,
  closeDeal,
  closeDealInput,
  setStrategic,
  setStrategicInput,
} from '../automation/automation.ts';
import { cadenceList, cadenceListInput, setCadence, setCadenceInput } from '../automation/cadence.ts';
import { getSettings, updateSetting, updateSettingInput } from '../automation/settings.ts';
import { userProcedure } from '../trpc.ts';

export const automationRouter = {
  settings: userProcedure.query(({ ctx }) => getSettings(ctx.db, ctx.principal)),
  updateSetting: userProcedure
    .input(updateSettingInput)
    .mutation(({ ctx, input }) => updateSetting(ctx.db, ctx.principal, input)),
  /** Won or lost with the side effects (order; quotes expired, documents archived); a loss needs a listed reason. */
  closeDeal: userProcedure
    .input(closeDealInput)
    .mutation(({ ctx, input }) => closeDeal(ctx.db, ctx.principal, input)),
  priority: userProcedure
    .input(z.object({ accountId: z.uuid() }))
    .query(({ ctx, input }) => accountPriority(ctx.db, ctx.principal, input.accountId)),
  setStrategic: userProcedure
    .input(setStrategicInput)
    .mutation(({ ctx, input }) => setStrategic(ctx.db, ctx.principal, input)),
  setCadence: userProcedure
    .input(setCadenceInput)
    .mutation(({ ctx, input }) => setCadence(ctx.db, ctx.principal, input)),
  accounts: userProcedure
    .input(accountAutomationInput)
    .query(({ ctx, input }) => accountAutomationList(ctx.db, ctx.principal, input)),
  cadence: userProcedure
    .input(cadenceListInput)
    .query(({ ctx, input }) => cadenceList(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
