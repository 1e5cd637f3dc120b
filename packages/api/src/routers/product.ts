import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import {
  createProduct,
  createRule,
  listProducts,
  listProductsInput,
  listRules,
  productById,
  productInput,
  ruleInput,
  setRuleActive,
  setRuleActiveInput,
  updateProduct,
  updateProductInput,
} from '../products/products.ts';
import { userProcedure } from '../trpc.ts';

export const productRouter = {
  list: userProcedure
    .input(listProductsInput)
    .query(({ ctx, input }) => listProducts(ctx.db, ctx.principal, input)),
  byId: userProcedure
    .input(z.object({ id: z.uuid() }))
    .query(({ ctx, input }) => productById(ctx.db, ctx.principal, input.id)),
  create: userProcedure
    .input(productInput)
    .mutation(({ ctx, input }) => createProduct(ctx.db, ctx.principal, input)),
  update: userProcedure
    .input(updateProductInput)
    .mutation(({ ctx, input }) => updateProduct(ctx.db, ctx.principal, input)),
  rules: userProcedure.query(({ ctx }) => listRules(ctx.db, ctx.principal)),
  createRule: userProcedure
    .input(ruleInput)
    .mutation(({ ctx, input }) => createRule(ctx.db, ctx.principal, input)),
  setRuleActive: userProcedure
    .input(setRuleActiveInput)
    .mutation(({ ctx, input }) => setRuleActive(ctx.db, ctx.principal, input)),
} satisfies TRPCRouterRecord;
