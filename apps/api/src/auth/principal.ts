// TODO(lead): the feature folders import these from '../common/principal'; then delete this file.
export { ROLES, type Role, type Principal } from '../common/principal';
