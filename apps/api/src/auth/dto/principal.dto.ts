import { ApiProperty } from '@nestjs/swagger';
import { ROLES, Role } from '../../common/principal';

export class PrincipalDto {
  @ApiProperty({ enum: ROLES })
  role!: Role;

  @ApiProperty({ example: 'cus-1' })
  id!: string;
}
