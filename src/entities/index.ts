import { RateLimitBucket } from './RateLimitBucket';
import { RevokedToken } from './RevokedToken';
import { ServerSecret } from './ServerSecret';
import { Session } from './Session';
import { Ship } from './Ship';
import { User } from './User';

export { RateLimitBucket, RevokedToken, ServerSecret, Session, Ship, User };

export const entities = [User, Ship, Session, RevokedToken, ServerSecret, RateLimitBucket];
