import { Help, type HelpConfiguration, type Option } from "commander";

/**
 * Help text that shows each default once: an option whose description already says its default ("default:
 * the benchmark's first metric") or whose default is an empty list (repeatable flags) gets no second
 * "(default: ...)" from commander.
 */
export const helpConfiguration: HelpConfiguration = {
  optionDescription(this: Help, option: Option): string {
    const emptyList = Array.isArray(option.defaultValue) && option.defaultValue.length === 0;
    const saidAlready = /\bdefault\b/i.test(option.description);
    if (option.defaultValue === undefined || !(emptyList || saidAlready)) return Help.prototype.optionDescription.call(this, option);
    const withoutDefault = Object.assign(Object.create(Object.getPrototypeOf(option) as object) as Option, option, { defaultValue: undefined });
    return Help.prototype.optionDescription.call(this, withoutDefault);
  },
};
