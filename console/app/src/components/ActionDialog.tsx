import { createContext, useContext, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, uuid } from '../api/client';

/** What a confirmed action sends: one Idempotency-Key per opening of its dialog, the same on every retry. */
export interface Opening {
  idempotencyKey: string;
  /** A second id fixed for this opening, for bodies that name what they create (a manual grant's source id). */
  resourceId: string;
}

interface FieldError {
  name: string;
  message: string;
}

const FieldErrorContext = createContext<FieldError | null>(null);

interface ActionProps {
  /** The button's name: what the action does ("Grant credits"). */
  label: string;
  /** The dialog's heading; defaults to the label. */
  title?: string;
  disabled?: boolean;
  buttonClass?: string;
  /** The form's fields (use <Field>) and any text that says what will happen. */
  children: ReactNode;
  /** Service error codes that belong to a field although the service names none (REFUND_EXCEEDS_PAYMENT → amount). */
  fieldOfCode?: Record<string, string>;
  /** Sends the write; its answer (a sentence) is announced. Throwing an ApiError keeps the dialog open with the error. */
  submit: (form: FormData, opening: Opening) => Promise<string>;
  onDone?: () => void;
  announce: (message: string) => void;
}

/**
 * A button that opens a confirmation dialog (a modal <dialog>: focus stays inside, Esc closes) holding the action's
 * form. A service error is shown next to the field it names (`error.details.field`), else at the top; nothing else
 * happens, and confirming again retries with the same Idempotency-Key.
 */
export function Action({ label, title = label, disabled, buttonClass, children, fieldOfCode, submit, onDone, announce }: ActionProps) {
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  // Back to the button once the dialog is gone: while the modal dialog is still there, the button is inert.
  useEffect(() => {
    if (wasOpen.current && !open) trigger.current?.focus();
    wasOpen.current = open;
  }, [open]);
  const close = () => setOpen(false);
  return (
    <>
      <button ref={trigger} type="button" className={buttonClass} disabled={disabled} onClick={() => setOpen(true)}>
        {label}
      </button>
      {open && (
        <ActionDialogBody
          title={title}
          fieldOfCode={fieldOfCode}
          submit={submit}
          onClose={close}
          onDone={(message) => {
            close();
            announce(message);
            onDone?.();
          }}
        >
          {children}
        </ActionDialogBody>
      )}
    </>
  );
}

function ActionDialogBody({
  title,
  children,
  fieldOfCode,
  submit,
  onClose,
  onDone,
}: {
  title: string;
  children: ReactNode;
  fieldOfCode: Record<string, string> | undefined;
  submit: ActionProps['submit'];
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const [opening] = useState<Opening>(() => ({ idempotencyKey: uuid(), resourceId: uuid() }));
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<FieldError | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const headingId = useId();
  const formErrorId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const send = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFieldError(null);
    setFormError(null);
    try {
      onDone(await submit(new FormData(event.currentTarget), opening));
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(0, 'CLIENT_ERROR', String(error));
      const name = apiError.field ?? fieldOfCode?.[apiError.code];
      if (name && form.current?.elements.namedItem(name)) {
        setFieldError({ name, message: apiError.message });
        (form.current.elements.namedItem(name) as HTMLElement | null)?.focus?.();
      } else {
        setFormError(apiError.message);
      }
      setBusy(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      aria-labelledby={headingId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form ref={form} onSubmit={send} aria-describedby={formError ? formErrorId : undefined}>
        <h2 id={headingId}>{title}</h2>
        {formError && (
          <p id={formErrorId} className="form-error" role="alert">
            {formError}
          </p>
        )}
        <FieldErrorContext.Provider value={fieldError}>{children}</FieldErrorContext.Provider>
        <div className="dialog-buttons">
          <button type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Confirm'}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
    </dialog>
  );
}

type FieldProps = {
  /** The input's name: the API's field path where it maps to one (`amount`, `price.currency`). */
  name: string;
  label: string;
  hint?: string;
} & (
  | ({ kind?: 'input' } & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'name'>)
  | ({ kind: 'select'; options: { value: string; label: string }[] } & Omit<React.SelectHTMLAttributes<HTMLSelectElement>, 'name'>)
  | ({ kind: 'textarea' } & Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, 'name'>)
);

/** A labelled input of an action's form; it shows the service's error for its name, tied by aria-describedby. */
export function Field(props: FieldProps) {
  const id = useId();
  const error = useContext(FieldErrorContext);
  const message = error?.name === props.name ? error.message : null;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : null, message ? errorId : null].filter(Boolean).join(' ') || undefined;
  const shared = { id, name: props.name, 'aria-invalid': message ? true : undefined, 'aria-describedby': describedBy };

  let control: ReactNode;
  if (props.kind === 'select') {
    const { kind: _kind, options, label: _label, hint: _hint, name: _name, ...rest } = props;
    control = (
      <select {...rest} {...shared}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    );
  } else if (props.kind === 'textarea') {
    const { kind: _kind, label: _label, hint: _hint, name: _name, ...rest } = props;
    control = <textarea {...rest} {...shared} />;
  } else {
    const { kind: _kind, label: _label, hint: _hint, name: _name, ...rest } = props;
    control = <input {...rest} {...shared} />;
  }

  return (
    <div className={props.kind !== 'select' && props.kind !== 'textarea' && props.type === 'checkbox' ? 'field field-checkbox' : 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {control}
      {props.hint && (
        <span id={hintId} className="hint">
          {props.hint}
        </span>
      )}
      {message && (
        <span id={errorId} className="field-error">
          {message}
        </span>
      )}
    </div>
  );
}
