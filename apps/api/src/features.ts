import type { DynamicModule } from '@nestjs/common';

/** The product's feature modules, each a folder beside this file. */
export const FEATURE_MODULES: NonNullable<DynamicModule['imports']> = [];
