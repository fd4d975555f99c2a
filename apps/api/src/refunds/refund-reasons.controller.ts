import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import type { Language } from '../i18n/i18n';
import { AcceptLanguageHeader, AnswerLanguage } from '../i18n/language.decorator';
import { RefundReasonDto } from './dto/refund-reason.dto';
import { refundReasons } from './refund-reasons';

@ApiTags('refunds')
@Public()
@Controller('v1/refund-reasons')
export class RefundReasonsController {
  @Get()
  @ApiOperation({
    summary: 'The reason codes, the evidence each needs before submit, and their texts',
    description:
      'evidence: PHOTO (a PHOTO attachment), ATTACHMENT (any attachment), DESCRIPTION (a ' +
      'description of at least 20 characters) or null (nothing more). Texts follow ' +
      'Accept-Language; Content-Language names the one chosen.',
  })
  @AcceptLanguageHeader()
  @ApiOkResponse({ type: [RefundReasonDto] })
  list(@AnswerLanguage() language: Language): RefundReasonDto[] {
    return refundReasons(language);
  }
}
