import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Macro } from '../../database/database';
import { MACRO_PLACEHOLDERS } from '../macro-template';

const BODY_DESCRIPTION = `May use ${MACRO_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`;

export class CreateMacroDto {
  @ApiProperty({ maxLength: 200, example: 'Refund approved' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @ApiProperty({
    maxLength: 4000,
    description: BODY_DESCRIPTION,
    example: 'Your refund of {{refund.amount}} is approved.',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  body!: string;

  @ApiPropertyOptional({ default: false, description: 'Posted as an internal note' })
  @IsOptional()
  @IsBoolean()
  internal?: boolean;
}

export class UpdateMacroDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional({ maxLength: 4000, description: BODY_DESCRIPTION })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(4000)
  body?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  internal?: boolean;
}

export class MacroDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: BODY_DESCRIPTION }) body!: string;
  @ApiProperty({ description: 'Posted as an internal note rather than a public message' })
  internal!: boolean;
  @ApiProperty({ example: 'agt-1' }) createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export function mapMacro(macro: Macro): MacroDto {
  return {
    id: macro.id,
    title: macro.title,
    body: macro.body,
    internal: macro.internal,
    createdBy: macro.createdById,
    createdAt: macro.createdAt.toISOString(),
    updatedAt: macro.updatedAt.toISOString(),
  };
}

/** A macro's text for one case, its placeholders filled in, as it would be posted there. */
export class RenderedMacroDto {
  @ApiProperty({ format: 'uuid' }) macroId!: string;
  @ApiProperty({ example: 'Refund approved' }) title!: string;
  @ApiProperty({ example: 'Your refund of IDR 150,000.00 is approved.' }) body!: string;
  @ApiProperty({ description: 'Posted as an internal note' }) internal!: boolean;
}
