// rxjs with its operators, d3-scale, uuid 11, nanoid and zod 4.
import { of } from 'rxjs';
import { map, reduce } from 'rxjs/operators';
import { scaleLinear } from 'd3-scale';
import { v7, validate } from 'uuid';
import { nanoid } from 'nanoid';
import * as z from 'zod';

const scale = scaleLinear().domain([0, 10]).range([0, 100]);
const schema = z.object({ id: z.string().length(8) });
of(1, 2, 3)
  .pipe(
    map((n) => scale(n)),
    reduce((a, b) => a + b, 0),
  )
  .subscribe((total) => {
    const host = document.querySelector('p-streams');
    const parsed = schema.parse({ id: nanoid(8) });
    const text = `${total} ${validate(v7())} ${parsed.id.length}`;
    host.textContent = text;
    host.dataset.ok = text;
  });
