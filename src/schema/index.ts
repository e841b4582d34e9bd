import { builder } from './builder';
import './scalars';
import './errors';
import './user';
import './ship';
import './auth';

export const schema = builder.toSchema();
