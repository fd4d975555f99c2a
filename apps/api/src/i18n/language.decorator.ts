import { applyDecorators, createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Language, LANGUAGES, negotiateLanguage } from './i18n';

/**
 * The language the caller's `Accept-Language` chose; the answer says so (`Content-Language`,
 * and `Vary: Accept-Language` for caches). For routes whose texts follow the language.
 */
export const AnswerLanguage = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Language => {
    const http = context.switchToHttp();
    const language = negotiateLanguage(http.getRequest<FastifyRequest>().headers);
    void http
      .getResponse<FastifyReply>()
      .header('Content-Language', language)
      .header('Vary', 'Accept-Language');
    return language;
  },
);

/** The `Accept-Language` header in the OpenAPI document. */
export const AcceptLanguageHeader = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({
      name: 'Accept-Language',
      required: false,
      description: `Texts in ${LANGUAGES.join(', ')} (q-values honoured; any zh-* is zh; default and fallback en)`,
    }),
  );
