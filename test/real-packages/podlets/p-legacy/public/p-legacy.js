// A team that lags behind: date-fns 2 (with its per-function folders), uuid 9 and zod 3.
import { format } from 'date-fns';
import addDays from 'date-fns/addDays';
import { v4, validate } from 'uuid';
import { z } from 'zod';

const Person = z.object({ name: z.string(), id: z.string().uuid() });
const person = Person.parse({ name: 'ada', id: v4() });
const host = document.querySelector('p-legacy');
const text = `${format(addDays(new Date(2024, 0, 30), 2), 'yyyy-MM-dd')} ${person.name} ${validate(person.id)}`;
host.textContent = text;
host.dataset.ok = text;
